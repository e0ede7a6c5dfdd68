import { drizzle, type PostgresJsDatabase } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import * as schema from "./schema";

export type Database = PostgresJsDatabase<typeof schema>;
export type Transaction = Parameters<Parameters<Database["transaction"]>[0]>[0];
/** A database handle or an open transaction: lib functions that write take either. */
export type Executor = Database | Transaction;

type Cached = { sql: postgres.Sql; db: Database; url: string };

// One pool per process, cached on globalThis so `next dev` hot reloads do not leak connections.
const cache = globalThis as unknown as { __sendwellDb?: Cached };

function connect(): Cached {
  const url = process.env.DATABASE_URL;
  if (!url) {
    throw new Error(
      "DATABASE_URL is not set. Run `npm run demo` or `npm run dev` (they start an embedded PostgreSQL), or set DATABASE_URL.",
    );
  }
  if (cache.__sendwellDb?.url === url) return cache.__sendwellDb;
  const sql = postgres(url, {
    max: Number(process.env.DB_POOL_MAX ?? 10),
    onnotice: () => {},
    connection: { application_name: "sendwell" },
  });
  cache.__sendwellDb = { sql, db: drizzle(sql, { schema }), url };
  return cache.__sendwellDb;
}

/** The process's drizzle handle; connects lazily so `next build` never needs a database. */
export const db: Database = new Proxy({} as Database, {
  get(_target, prop) {
    const real = connect().db as unknown as Record<PropertyKey, unknown>;
    const value = real[prop];
    return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(real) : value;
  },
});

export function rawSql(): postgres.Sql {
  return connect().sql;
}

export async function closeDb(): Promise<void> {
  const cached = cache.__sendwellDb;
  cache.__sendwellDb = undefined;
  await cached?.sql.end({ timeout: 5 });
}
