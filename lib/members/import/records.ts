/** Reading a tenant's imports: the list, one import, a page of its rows. */
import { rawSql, type PgConnection } from "@/db/client";
import { UserError } from "@/lib/errors";
import {
  isImportId,
  unpackRows,
  type CommitSummary,
  type ImportRecord,
  type ImportRow,
  type ImportStatus,
  type StoredRows,
} from "./rows";
import type { ImportMode, ImportSummary, RowStatus } from "./validate";

type ImportRowRecord = {
  id: string;
  file_name: string;
  format: string;
  mode: ImportMode;
  status: ImportStatus;
  row_count: number;
  summary: ImportSummary;
  result: CommitSummary | null;
  created_at: Date | string;
  committed_at: Date | string | null;
};

// The pool is shared with drizzle, which turns PostgreSQL's date parsing off: timestamps arrive as text.
const date = (value: Date | string) => new Date(value);

function toRecord(row: ImportRowRecord, sameFileCommittedAt: Date | string | null): ImportRecord {
  return {
    id: row.id,
    fileName: row.file_name,
    format: row.format,
    mode: row.mode,
    status: row.status,
    rowCount: row.row_count,
    summary: row.summary,
    result: row.result,
    createdAt: date(row.created_at),
    committedAt: row.committed_at === null ? null : date(row.committed_at),
    sameFileCommittedAt: sameFileCommittedAt === null ? null : date(sameFileCommittedAt),
  };
}

/** One of the tenant's imports, or null (another tenant's id looks like a missing one). */
export async function findImport(tenantId: string, id: string): Promise<ImportRecord | null> {
  if (!isImportId(id)) return null;
  const sql = rawSql();
  const [row] = await sql<(ImportRowRecord & { same_file_committed_at: Date | string | null })[]>`
    select i.id, i.file_name, i.format, i.mode, i.status, i.row_count, i.summary,
      i.result, i.created_at, i.committed_at,
      (select max(o.committed_at) from member_imports o
        where o.tenant_id = i.tenant_id and o.file_hash = i.file_hash and o.id <> i.id
          and o.status = 'committed') as same_file_committed_at
    from member_imports i where i.id = ${id} and i.tenant_id = ${tenantId}`;
  return row ? toRecord(row, row.same_file_committed_at) : null;
}

/** The tenant's latest imports, newest first. */
export async function recentImports(tenantId: string, limit = 10): Promise<ImportRecord[]> {
  const sql = rawSql();
  const rows = await sql<ImportRowRecord[]>`
    select id, file_name, format, mode, status, row_count, summary, result, created_at,
      committed_at
    from member_imports where tenant_id = ${tenantId}
    order by created_at desc limit ${limit}`;
  return rows.map((row) => toRecord(row, null));
}

export async function loadRows(
  sql: PgConnection,
  tenantId: string,
  id: string,
): Promise<StoredRows> {
  const [row] = await sql<{ rows: Buffer }[]>`
    select rows from member_imports where id = ${id} and tenant_id = ${tenantId}`;
  if (!row) throw new UserError("not_found", "This import no longer exists.");
  return unpackRows(row.rows);
}

export type RowFilter = "all" | "problems" | RowStatus | "fixable";

export const PREVIEW_PAGE_SIZE = 50;

/** One page of an import's rows, filtered by outcome. */
export async function previewPage(
  tenantId: string,
  id: string,
  filter: RowFilter,
  page: number,
): Promise<{
  rows: ImportRow[];
  total: number;
  page: number;
  pages: number;
  /** Rows with a suggested address fix, and those of them that would be imported as written. */
  fixable: number;
  fixableAccepted: number;
  /** Rows whose cells had invisible control characters removed on reading. */
  cleanedLines: number[];
  /** The encoding a CSV was read in (null for Excel files). */
  encoding: string | null;
}> {
  const stored = await loadRows(rawSql(), tenantId, id);
  const matching = stored.rows.filter((row) => matches(row, filter));
  const pages = Math.max(1, Math.ceil(matching.length / PREVIEW_PAGE_SIZE));
  const current = Math.min(Math.max(1, page), pages);
  return {
    rows: matching.slice((current - 1) * PREVIEW_PAGE_SIZE, current * PREVIEW_PAGE_SIZE),
    total: matching.length,
    page: current,
    pages,
    fixable: stored.rows.filter(suggestionOf).length,
    fixableAccepted: stored.rows.filter((row) => row.status !== "error" && suggestionOf(row))
      .length,
    cleanedLines: stored.cleanedLines ?? [],
    encoding: stored.encoding,
  };
}

function matches(row: ImportRow, filter: RowFilter): boolean {
  switch (filter) {
    case "all":
      return true;
    case "problems":
      return row.status !== "ok";
    case "fixable":
      return suggestionOf(row) !== null;
    default:
      return row.status === filter;
  }
}

/** The corrected address a row's problems suggest, if any. */
export function suggestionOf(row: ImportRow): string | null {
  return row.problems.find((problem) => problem.suggestion)?.suggestion ?? null;
}
