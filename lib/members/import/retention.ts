import { rawSql } from "@/db/client";
import { packRows } from "./rows";

/** What an import keeps once its rows are gone: nothing of any member. */
export const NO_ROWS = () =>
  packRows({ headers: [], unknownColumns: [], encoding: null, rows: [] });

export type RetentionOutcome = {
  /** Committed imports whose rows were dropped (the record and its counts stay). */
  committed: number;
  /** Previews nobody committed or touched in that time: discarded, their rows dropped. */
  abandoned: number;
};

/**
 * Drops the rows (names, addresses, login IDs as uploaded) of imports older than `days`: committed
 * ones `days` after the commit, previews left untouched for `days` (discarded then; a discarded
 * import's rows are dropped at once by `discardImport`). The import, its counts and the members it
 * added stay. Idempotent, so every app process and worker may run it.
 */
export async function dropExpiredImportRows(
  days: number,
  now = new Date(),
): Promise<RetentionOutcome> {
  const sql = rawSql();
  // ISO text: the pool is shared with drizzle, which leaves Date parameters to itself.
  const at = now.toISOString();
  const cutoff = new Date(now.getTime() - days * 86_400_000).toISOString();
  const empty = NO_ROWS();
  const committed = await sql`
    update member_imports
    set rows = ${empty},
      result = coalesce(result, '{}'::jsonb) || jsonb_build_object('rowsDroppedAt', ${at}::text),
      updated_at = ${at}::timestamptz
    where status = 'committed' and committed_at < ${cutoff}::timestamptz
      and (result is null or not result ? 'rowsDroppedAt')`;
  const abandoned = await sql`
    update member_imports set status = 'discarded', rows = ${empty}, updated_at = ${at}::timestamptz
    where status = 'previewed' and updated_at < ${cutoff}::timestamptz`;
  return { committed: committed.count, abandoned: abandoned.count };
}
