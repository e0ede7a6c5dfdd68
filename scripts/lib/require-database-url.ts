export function requireDatabaseUrl(command: string): string {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error(
      `${command} needs DATABASE_URL (for example postgres://postgres@127.0.0.1:5432/sendwell).\n` +
        "`npm run demo` and `npm run dev` start an embedded PostgreSQL and do this for you.",
    );
    process.exit(2);
  }
  return url;
}
