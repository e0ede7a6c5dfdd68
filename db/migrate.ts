import path from "node:path";
import { drizzle } from "drizzle-orm/postgres-js";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";

/** Applies db/migrations to the database at `url`; safe to run again, and from two processes. */
export async function migrateDatabase(url: string): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await sql`select pg_advisory_lock(7340001)`;
    await migrate(drizzle(sql), { migrationsFolder: path.join(process.cwd(), "db/migrations") });
  } finally {
    await sql.end({ timeout: 5 });
  }
}
