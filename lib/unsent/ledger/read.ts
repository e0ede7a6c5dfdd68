/** Reading the ledger's rows: a page, or all of them through a cursor for the download. */
import { sql, type SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import { db, isConnectionLost, rawSql, type Executor } from "@/db/client";
import {
  ledgerSelect,
  toRow,
  type LedgerFilter,
  type LedgerRow,
  type LedgerScope,
  type RawRow,
} from "./sql";

/**
 * The ledger's sorts and hashes are over every row of a tenant's ledger (100,000 after a bad
 * incident): with PostgreSQL's default 4 MB they spill to disk. This much is held per sort or hash,
 * for the duration of one ledger query only.
 */
export const LEDGER_WORK_MEM = "64MB";

/** Runs `read` in a transaction whose sorts and hashes may use LEDGER_WORK_MEM. */
export async function withWorkMem<T>(
  executor: Executor | undefined,
  read: (tx: Executor) => Promise<T>,
): Promise<T> {
  const run = async (tx: Executor) => {
    await tx.execute(sql`set local work_mem = ${sql.raw(`'${LEDGER_WORK_MEM}'`)}`);
    return read(tx);
  };
  // Inside a caller's transaction a savepoint would not scope SET LOCAL: it holds to that commit.
  return executor && executor !== db ? run(executor) : db.transaction(run);
}

/** One page of the ledger. */
export async function ledgerRows(
  scope: LedgerScope,
  filter: LedgerFilter = {},
  options: { limit?: number; offset?: number; timeZone?: string; executor?: Executor } = {},
): Promise<LedgerRow[]> {
  const rows = await withWorkMem(options.executor, (tx) =>
    tx.execute<RawRow>(
      sql`${ledgerSelect(scope, filter, options.timeZone)} limit ${options.limit ?? 200} offset ${options.offset ?? 0}`,
    ),
  );
  return rows.map(toRow);
}

const dialect = new PgDialect();

/** Rows the cursor asks the database for at a time. */
export const CURSOR_BATCH = 1_000;

/**
 * Every row of `query` in its order, a batch at a time, read with a cursor on a connection of its
 * own with LEDGER_WORK_MEM: the rows stream as the database gives them, never all of them in memory.
 */
export async function* cursorBatches<T>(query: SQL): AsyncGenerator<T[]> {
  const { sql: text, params } = dialect.sqlToQuery(query);
  const connection = await rawSql().reserve();
  let open = false;
  let lost = false;
  try {
    await connection.unsafe("begin read only");
    open = true;
    await connection.unsafe(`set local work_mem = '${LEDGER_WORK_MEM}'`);
    const batches = connection
      .unsafe<T[]>(text, params as never[])
      .cursor(CURSOR_BATCH)
      [Symbol.asyncIterator]();
    // One batch ahead: the database sends the next batch while this one is used.
    let ahead: Promise<IteratorResult<T[]>> | null = batches.next();
    try {
      for (;;) {
        const step: IteratorResult<T[]> = await ahead;
        ahead = null;
        if (step.done) break;
        ahead = batches.next();
        yield step.value;
      }
    } finally {
      // Stopped part-way: let the batch on its way arrive, then close the cursor.
      if (ahead) {
        await ahead.catch(() => {});
        await batches.return?.();
      }
    }
    await connection.unsafe("commit");
    open = false;
  } catch (err) {
    lost = isConnectionLost(err);
    throw err;
  } finally {
    // A read stopped part-way ends here too: the read is rolled back, the connection returned.
    // Not on a connection that is gone: the server has ended the transaction, a query given to a
    // dead reserved connection may never settle, and releasing it would put it back among the open
    // ones although the pool has already moved it to the closed (postgres.js 3.4.9): every query
    // given to it later would fail. The pool reconnects it by itself.
    if (!lost) {
      if (open) await connection.unsafe("rollback").catch(() => {});
      connection.release();
    }
  }
}

/**
 * Every row of the ledger in its order, read with a cursor a thousand at a time on a connection of
 * its own: the download streams rows as the database gives them, never the whole ledger in memory.
 */
export async function* ledgerCursor(
  scope: LedgerScope,
  filter: LedgerFilter = {},
  timeZone = "UTC",
): AsyncGenerator<LedgerRow> {
  for await (const batch of cursorBatches<RawRow>(ledgerSelect(scope, filter, timeZone)))
    for (const row of batch) yield toRow(row);
}
