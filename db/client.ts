import { drizzle, type PostgresJsDatabase } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import * as schema from "./schema";

export type Database = PostgresJsDatabase<typeof schema>;
export type Transaction = Parameters<Parameters<Database["transaction"]>[0]>[0];
/** A database handle or an open transaction: lib functions that write take either. */
export type Executor = Database | Transaction;
/** postgres.js itself, on the pool or inside a transaction: for COPY and the hot paths' raw SQL. */
export type PgConnection = postgres.Sql | postgres.TransactionSql;

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

/**
 * The postgres.js connection under a drizzle handle or transaction, for what drizzle cannot do
 * (COPY): inside a transaction it is the transaction's own connection. Reads drizzle's `session`
 * (0.45, pinned exactly); db/copy.db.test.ts fails if an upgrade moves it.
 */
export function pgOf(executor: Executor): PgConnection {
  // The lazy proxy binds what it hands out, which would strip postgres.js's methods.
  if (executor === db) return rawSql();
  const client =
    (executor as { $client?: postgres.Sql }).$client ??
    (executor as unknown as { session?: { client?: postgres.TransactionSql } }).session?.client;
  if (!client) throw new Error("pgOf: no postgres.js connection under this drizzle handle.");
  return client;
}

export function rawSql(): postgres.Sql {
  return connect().sql;
}

export async function closeDb(): Promise<void> {
  const cached = cache.__sendwellDb;
  cache.__sendwellDb = undefined;
  await cached?.sql.end({ timeout: 5 });
}

/**
 * Whether an error means the connection itself is gone (closed, reset, or its backend ended by the
 * server: admin shutdown, crash, restart), as opposed to a query that failed on a live connection.
 */
export function isConnectionLost(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return (
    typeof code === "string" &&
    (/^CONNECTION_(CLOSED|DESTROYED|ENDED)$/.test(code) ||
      /^(ECONNRESET|EPIPE|ECONNREFUSED)$/.test(code) ||
      /^57P0[1-3]$/.test(code)) // admin_shutdown, crash_shutdown, cannot_connect_now
  );
}
