/**
 * The download's reading: the ledger's parts (parts.ts) read by cursor on two connections that
 * share one snapshot, so the database works out the other cases' rows while the first case's are
 * written.
 */
import { PgDialect } from "drizzle-orm/pg-core";
import type { SQL } from "drizzle-orm";
import type postgres from "postgres";
import { isConnectionLost, rawSql } from "@/db/client";
import { Semaphore } from "@/lib/semaphore";
import { UNSENT_CASES, type UnsentCase } from "../cases";
import { countsOfJson, emptyCounts, type LedgerCounts } from "./counts";
import {
  DOWNLOAD_PARTS,
  countsFromRows,
  ledgerPartExportSelect,
  type DownloadFilter,
  type ExportLine,
} from "./parts";
import { CURSOR_BATCH, LEDGER_WORK_MEM } from "./read";
import type { ExportRow, LedgerScope } from "./sql";

const holder = globalThis as typeof globalThis & { __sendwellLedgerDownloads?: Semaphore };

/**
 * How many downloads read at once in this process: each holds two of the pool's connections, and
 * takes its second while holding its first, so downloads without a bound could take the whole pool
 * and wait on each other for ever (and every page and webhook with them). A fifth of the pool's
 * connections' worth of downloads (two for the default pool of ten: four connections) read at once;
 * the rest wait their turn, their first byte later.
 */
export function ledgerDownloadsAtOnce(): number {
  return Math.max(1, Math.floor(Number(process.env.DB_POOL_MAX ?? 10) / 5));
}
const downloads = () =>
  (holder.__sendwellLedgerDownloads ??= new Semaphore(ledgerDownloadsAtOnce()));

const dialect = new PgDialect();

type Connection = postgres.ReservedSql;

/** A connection of the download's own, in a read-only transaction on the download's snapshot. */
type Held = { connection: Connection; open: boolean; lost: boolean };

/**
 * A statement read by cursor a batch at a time, its first batch asked for at once (while another
 * case is written), and always one batch ahead of what was taken.
 */
class CursorRead<T> {
  private readonly batches: AsyncIterator<T[]>;
  private ahead: Promise<IteratorResult<T[]>> | null;
  private done = false;

  constructor(
    readonly held: Held,
    query: SQL,
  ) {
    const { sql: text, params } = dialect.sqlToQuery(query);
    this.batches = held.connection
      .unsafe<T[]>(text, params as never[])
      .cursor(CURSOR_BATCH)
      [Symbol.asyncIterator]();
    this.ahead = this.asked();
  }

  /** The next batch, asked for now; its failure is seen by whoever takes it (not unhandled before). */
  private asked(): Promise<IteratorResult<T[]>> {
    // postgres.js answers a finished cursor's next() with a plain object, not a promise.
    const next = Promise.resolve(this.batches.next());
    next.catch((err: unknown) => {
      if (isConnectionLost(err)) this.held.lost = true;
    });
    return next;
  }

  /** The next batch, or null once the statement has given every row. */
  async next(): Promise<T[] | null> {
    if (this.done || !this.ahead) return null;
    const step = await this.ahead;
    // Stopped meanwhile (the download went away): the cursor is being closed.
    if (this.done) return null;
    if (step.done) {
      this.done = true;
      this.ahead = null;
      return null;
    }
    this.ahead = this.asked();
    return step.value;
  }

  /** Ends the read however far it got: the batch on its way arrives, then the cursor closes. */
  async stop(): Promise<void> {
    const ahead = this.ahead;
    this.ahead = null;
    if (!ahead || this.done) return;
    this.done = true;
    const step = await ahead.catch(() => null);
    // postgres.js closes the cursor and answers at once (the rollback after it waits in line).
    if (step && !step.done) this.batches.return?.();
  }
}

/**
 * A part's statement as its cases' rows: the rows of one case and then the next, in the order the
 * statement gives them; a batch that ends one case and begins the next is kept for the next.
 */
class PartRead {
  /** What the last batch had of the cases after the one being read. */
  private kept: ExportLine[] | null = null;
  /** Whether the statement's counts line was taken (when it has one). */
  countsTaken = false;

  constructor(
    readonly read: CursorRead<ExportLine>,
    readonly cases: readonly UnsentCase[],
  ) {}

  /** The next batch, what was kept first. */
  async next(): Promise<ExportLine[] | null> {
    const kept = this.kept;
    this.kept = null;
    return kept ?? this.read.next();
  }

  /** Keeps the rest of a batch (rows of later cases) for the next case. */
  keep(rows: ExportLine[]): void {
    if (rows.length > 0) this.kept = rows;
  }
}

/**
 * The ledger for a download: `open()` starts the reading, every part's statement at once
 * (DOWNLOAD_PARTS: the first case's alone on one connection, the others' together on the other,
 * the database working out the second while the first's rows are written); `rowsOf` gives each
 * case's rows a batch at a time, the cases asked for in the ledger's order; `counts()` gives the
 * counts once every case's are in (its rows counted as they are taken, or its statement's first
 * line when the state filter leaves rows out): for a summary written after the cases' sheets. Both connections read one snapshot (REPEATABLE READ, the
 * first's exported to the second), so the counts and every sheet agree as one statement's would.
 * `close()` ends every read, however far it got, and gives both connections back.
 */
export class LedgerDownloadReader {
  private opened: Promise<void> | null = null;
  private held: Held[] = [];
  /** Each part's statement (DOWNLOAD_PARTS), on a connection of its own, once started. */
  private reads: PartRead[] = [];
  /** Each case's counts, from its rows or its statement's first line. */
  private caseCounts = new Map<UnsentCase, Deferred<LedgerCounts>>(
    UNSENT_CASES.map((c) => [c, deferred<LedgerCounts>()]),
  );
  private closed = false;
  /** Aborted by close(): a download still waiting for its turn stops waiting. */
  private readonly stopped = new AbortController();
  /** Whether this download holds one of the process's places for downloads (`downloads()`). */
  private placed = false;

  constructor(
    private readonly scope: LedgerScope,
    readonly filter: DownloadFilter,
    private readonly timeZone: string,
  ) {}

  /** Starts the reading (once): settles when both connections are held and the statements asked. */
  open(): Promise<void> {
    this.opened ??= this.start().catch(async (err: unknown) => {
      // Nothing is written when the reading could not start: nobody else will give them back.
      this.stopWaiting(err);
      await this.release();
      throw err;
    });
    return this.opened;
  }

  /**
   * The counts per case (never narrowed by the state filter, as `ledgerCounts`), once every case's
   * statement has given its first line: after the cases' rows have been taken (or are being).
   */
  async counts(): Promise<LedgerCounts> {
    await this.open();
    const parts = await Promise.all(UNSENT_CASES.map((c) => this.caseCounts.get(c)!.promise));
    const counts = emptyCounts();
    UNSENT_CASES.forEach((c, i) => {
      counts[c] = parts[i]![c];
      counts.total.open += counts[c].open;
      counts.total.resolved += counts[c].resolved;
    });
    return counts;
  }

  private async start(): Promise<void> {
    this.placed = await downloads().acquireUnless(this.stopped.signal);
    if (!this.placed) throw new Error("The ledger's reading was stopped.");
    const first = await this.hold();
    await first.connection.unsafe(`set local work_mem = '${LEDGER_WORK_MEM}'`);
    const [{ snapshot }] = await first.connection.unsafe<[{ snapshot: string }]>(
      "select pg_export_snapshot() as snapshot",
    );
    const second = await this.hold(snapshot);
    await second.connection.unsafe(`set local work_mem = '${LEDGER_WORK_MEM}'`);
    // The parts' statements take a connection each, in the ledger's order, and start at once:
    // nothing is written before the first's rows come, so the second's work takes no time from
    // the writing then. Not once the download has gone (close() gives the connections back).
    if (this.closed) return;
    const connections = [first, second];
    this.reads = DOWNLOAD_PARTS.map(
      (cases, i) =>
        new PartRead(
          new CursorRead<ExportLine>(
            connections[i]!,
            ledgerPartExportSelect(this.scope, this.filter, cases, this.timeZone),
          ),
          cases,
        ),
    );
  }

  /** A connection of the pool's, kept for the download, in a read-only transaction on `snapshot`. */
  private async hold(snapshot?: string): Promise<Held> {
    const connection = await rawSql().reserve();
    const held: Held = { connection, open: false, lost: false };
    this.held.push(held);
    try {
      await connection.unsafe("begin isolation level repeatable read read only");
      held.open = true;
      if (snapshot) await connection.unsafe(`set transaction snapshot '${snapshot}'`);
    } catch (err) {
      held.lost = isConnectionLost(err);
      throw err;
    }
    return held;
  }

  /**
   * The rows of `unsentCase`, a batch at a time; the cases are asked for in the ledger's order
   * (a part's statement gives its cases' rows one case after the other).
   */
  async *rowsOf(unsentCase: UnsentCase): AsyncGenerator<ExportRow[]> {
    await this.open();
    const index = DOWNLOAD_PARTS.findIndex((cases) => cases.includes(unsentCase));
    const part = this.reads[index];
    if (!part) return;
    const counted = this.caseCounts.get(unsentCase)!;
    const fromRows = countsFromRows(this.filter);
    const counts = emptyCounts();
    try {
      if (!fromRows && !part.countsTaken) {
        // The statement's first line: the counts of every case of the part.
        const batch = await part.next();
        const head = batch?.[0];
        if (!head || head.counts === undefined)
          throw new Error(`The ledger's statement for ${part.cases.join(", ")} gave no counts.`);
        part.countsTaken = true;
        const partCounts = countsOfJson(this.scope, head.counts);
        for (const c of part.cases) this.caseCounts.get(c)!.resolve(partCounts);
        part.keep(batch!.slice(1));
      }
      // The part's rows are in its cases' order: this case's begin after an earlier one's (left
      // part-way by whoever read it: not this case's rows) and end where a later one's begin.
      const place = part.cases.indexOf(unsentCase);
      const earlier = (row: ExportLine) => part.cases.indexOf(row.unsentCase) < place;
      for (let batch = await part.next(); batch; batch = await part.next()) {
        const start =
          place > 0 && batch.length > 0 && earlier(batch[0]!)
            ? batch.findIndex((row) => !earlier(row))
            : 0;
        if (start < 0) continue;
        const end = batch.findIndex((row, i) => i >= start && row.unsentCase !== unsentCase);
        const mine =
          start === 0 && end < 0 ? batch : batch.slice(start, end < 0 ? batch.length : end);
        if (fromRows)
          for (const row of mine) counts[unsentCase][row.resolvedBy ? "resolved" : "open"]++;
        if (mine.length > 0) yield mine;
        if (end >= 0) {
          part.keep(batch.slice(end));
          break;
        }
      }
    } catch (err) {
      counted.reject(err);
      throw err;
    }
    // Every row of the case read: its counts are the rows taken (all of them, or none counted).
    if (fromRows) counted.resolve(counts);
  }

  /** Ends every read (the cursors close, the connections go back), however far it got. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.stopWaiting();
    await this.opened?.catch(() => {});
    await this.release();
  }

  /** No statement starts from now on; counts not read by now never will be. */
  private stopWaiting(reason: unknown = new Error("The ledger's reading was stopped.")): void {
    this.closed = true;
    this.stopped.abort();
    for (const counted of this.caseCounts.values()) counted.reject(reason);
  }

  private async release(): Promise<void> {
    for (const part of this.reads) await part.read.stop();
    for (const held of this.held.splice(0)) {
      // Not on a connection that is gone (see cursorBatches): the pool reconnects it by itself.
      if (held.lost) continue;
      if (held.open) await held.connection.unsafe("rollback").catch(() => {});
      held.connection.release();
    }
    if (this.placed) {
      this.placed = false;
      downloads().release();
    }
  }
}

type Deferred<T> = {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (reason: unknown) => void;
};

/** A promise settled from outside; once settled, later calls do nothing. */
function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  // Nobody may ask for it (a download that stopped early): not an unhandled rejection.
  promise.catch(() => {});
  return { promise, resolve, reject };
}
