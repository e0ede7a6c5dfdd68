import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type postgres from "postgres";

export type CopyValue = string | number | boolean | Date | null | undefined | object;

/** One value in COPY's text format: \N for null, backslash escapes for the four special bytes. */
export function copyField(value: CopyValue): string {
  if (value === null || value === undefined) return "\\N";
  const text =
    value instanceof Date
      ? value.toISOString()
      : typeof value === "object"
        ? JSON.stringify(value)
        : String(value);
  return /[\\\t\n\r]/.test(text)
    ? text.replace(
        /[\\\t\n\r]/g,
        (c) => ({ "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" })[c]!,
      )
    : text;
}

function* lines(rows: Iterable<readonly CopyValue[]>): Generator<string> {
  // About 64 KB per chunk: few enough writes, small enough to stream.
  let chunk = "";
  for (const row of rows) {
    chunk += row.map(copyField).join("\t") + "\n";
    if (chunk.length >= 65_536) {
      yield chunk;
      chunk = "";
    }
  }
  if (chunk) yield chunk;
}

/**
 * Streams rows into a table with COPY FROM STDIN -- PostgreSQL's fastest way in, with every
 * constraint and index still checked. Runs on the given connection or transaction, so it commits
 * or rolls back with the rest of it.
 */
export async function copyInto(
  sql: postgres.Sql | postgres.TransactionSql,
  table: string,
  columns: readonly string[],
  rows: Iterable<readonly CopyValue[]>,
): Promise<void> {
  const query = sql`copy ${sql(table)} (${sql(columns as string[])}) from stdin`;
  // postgres.js 3.4 reports an error that arrives after the last row (a constraint or trigger
  // failing at the end) only by rejecting the query, which has already resolved to the stream, so
  // the stream never finishes. Listening to that rejection turns the hang into the error.
  const internals = query as unknown as { reject: (error: unknown) => void };
  const reject = internals.reject;
  let failed!: (error: unknown) => void;
  const failure = new Promise<never>((_resolve, fail) => (failed = fail));
  failure.catch(() => {});
  internals.reject = (error) => {
    failed(error);
    reject(error);
  };
  const writable = await query.writable();
  await Promise.race([pipeline(Readable.from(lines(rows)), writable), failure]);
}
