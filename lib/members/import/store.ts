import "server-only";
import { createHash } from "node:crypto";
import { gunzipSync, gzipSync } from "node:zlib";
import { db, pgOf, rawSql, type Executor, type PgConnection } from "@/db/client";
import { jsonList } from "@/db/in-list";
import { domainOf, normaliseAddress, syntaxProblem } from "@/lib/address";
import { defaultDomainChecker } from "@/lib/address/domain-verdict";
import type { TenantActor } from "@/lib/auth/actor";
import { normaliseLoginId } from "@/lib/auth/login-id";
import { env } from "@/lib/env";
import { UserError } from "@/lib/errors";
import { Semaphore } from "@/lib/semaphore";
import { suppressedAmong } from "@/lib/suppressions";
import { ImportError } from "./errors";
import { FIELD_LABELS, mapHeaders } from "./headers";
import { parseUpload, type UploadLimits } from "./parse";
import {
  summarise,
  validateRows,
  type ImportMode,
  type ImportSummary,
  type RowStatus,
  type ValidatedRow,
} from "./validate";

type Db = PgConnection;

/** A row as checked, with the address as it was written (or as a fix rewrote it). */
export type ImportRow = ValidatedRow & { rawEmail: string; fixed?: true };

export type StoredRows = {
  headers: string[];
  unknownColumns: string[];
  encoding: string | null;
  rows: ImportRow[];
};

export type ImportStatus = "previewed" | "committed" | "discarded";

export type ImportRecord = {
  id: string;
  fileName: string;
  format: string;
  mode: ImportMode;
  status: ImportStatus;
  rowCount: number;
  summary: ImportSummary;
  result: CommitSummary | null;
  createdAt: Date;
  committedAt: Date | null;
  /** Another import of this tenant with the same bytes that was committed, if any. */
  sameFileCommittedAt: Date | null;
};

export type CommitSummary = {
  created: number;
  updated: number;
  unchanged: number;
  invitations: number;
  activationCodes: number;
  skipped: number;
  batchId: string | null;
};

/** Progress for long uploads and commits: a phase and, where it is known, how far it is. */
export type Progress = { phase: string; done?: number; total?: number };
export type OnProgress = (progress: Progress) => void;

const COLUMNS = { loginId: 0, name: 1, email: 2 } as const;

/** The upload limits (IMPORT_MAX_BYTES, IMPORT_MAX_ROWS). */
export function uploadLimits(): UploadLimits {
  const { IMPORT_MAX_BYTES, IMPORT_MAX_ROWS } = env();
  return { maxBytes: IMPORT_MAX_BYTES, maxRows: IMPORT_MAX_ROWS };
}

/** Lets a progress event reach the browser before a stretch of synchronous work. */
const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** What the tenant holds of the given login IDs (normalised) and addresses: the facts that change. */
async function tenantFacts(
  tx: Executor,
  tenantId: string,
  loginKeys: readonly string[],
  addresses: readonly string[],
): Promise<{ taken: { key: string; role: string }[]; suppressed: ReadonlySet<string> }> {
  const [taken, suppressed] = await Promise.all([
    pgOf(tx)<{ key: string; role: string }[]>`
      select lower(login_id) as key, role from users
      where tenant_id = ${tenantId}
        and lower(login_id) in (select json_array_elements_text(${jsonList(loginKeys)}::text::json))`,
    suppressedAmong(tx, tenantId, addresses),
  ]);
  return { taken, suppressed: new Set(suppressed.keys()) };
}

/**
 * Whether the tenant changed under the accepted rows since they were checked: a login ID taken or
 * freed, an administrator's ID, an address suppressed. Two queries, no re-validation: what else
 * decides a row's outcome (the file, syntax, domains) has not changed.
 */
export async function acceptedRowsChanged(
  tx: Executor,
  tenantId: string,
  rows: readonly ImportRow[],
): Promise<boolean> {
  const accepted = rows.filter((row) => row.status !== "error");
  const { taken, suppressed } = await tenantFacts(
    tx,
    tenantId,
    accepted.map((row) => normaliseLoginId(row.loginId)),
    accepted.flatMap((row) => (row.email ? [row.email] : [])),
  );
  if (suppressed.size > 0) return true;
  const roles = new Map(taken.map((member) => [member.key, member.role]));
  return accepted.some((row) => {
    const role = roles.get(normaliseLoginId(row.loginId));
    const wasTaken = row.problems.some((problem) => problem.code === "duplicate_in_tenant");
    return (role !== undefined) !== wasTaken || (role !== undefined && role !== "learner");
  });
}

/**
 * Checks every row against the file and the tenant as it is now: login IDs taken (and whose),
 * addresses suppressed, domains that do not exist. Reads only what the rows name.
 */
export async function checkRows(
  tx: Executor,
  tenantId: string,
  mode: ImportMode,
  rows: readonly { loginId: string; name: string; rawEmail: string; line: number }[],
  onProgress: OnProgress = () => {},
): Promise<ValidatedRow[]> {
  const input = rows.map((row) => [row.loginId, row.name, row.rawEmail]);
  const loginKeys = [
    ...new Set(input.map(([loginId]) => normaliseLoginId(loginId!)).filter(Boolean)),
  ];
  // Usable addresses and their domains, normalised once.
  const addresses = new Set<string>();
  const domainSet = new Set<string>();
  for (const [, , raw] of input) {
    const address = raw ? normaliseAddress(raw.trim()) : null;
    if (address && syntaxProblem(address) === null) {
      addresses.add(address);
      domainSet.add(domainOf(address));
    }
  }
  const domains = [...domainSet];
  onProgress({ phase: `Checking ${domains.length.toLocaleString("en")} mail domains` });
  const [{ taken, suppressed }, verdicts] = await Promise.all([
    tenantFacts(tx, tenantId, loginKeys, [...addresses]),
    defaultDomainChecker().verdicts(domains),
  ]);
  onProgress({ phase: "Checking rows", total: rows.length });
  await tick();
  return validateRows(input, COLUMNS, {
    mode,
    existingLoginIds: new Set(taken.map((t) => t.key)),
    adminLoginIds: new Set(taken.filter((t) => t.role !== "learner").map((t) => t.key)),
    suppressed,
    domainVerdicts: verdicts,
    lines: rows.map((row) => row.line),
  });
}

function withInput(
  validated: readonly ValidatedRow[],
  previous: readonly { rawEmail: string; fixed?: true }[],
): ImportRow[] {
  return validated.map((row, i) => {
    const { rawEmail, fixed } = previous[i]!;
    return fixed ? { ...row, rawEmail, fixed } : { ...row, rawEmail };
  });
}

export function packRows(stored: StoredRows): Buffer {
  return gzipSync(JSON.stringify(stored), { level: 1 });
}

export function unpackRows(packed: Buffer): StoredRows {
  return JSON.parse(gunzipSync(packed).toString("utf8")) as StoredRows;
}

const holder = globalThis as typeof globalThis & { __sendwellImportSlots?: Semaphore };
const noProgress: OnProgress = () => {};

/**
 * Checking or committing a large file holds a few hundred MB for a few seconds: at most two run at
 * once per process, so a burst of uploads queues instead of exhausting memory.
 */
export async function withImportSlot<T>(
  onProgress: OnProgress,
  work: () => Promise<T>,
): Promise<T> {
  const slots = (holder.__sendwellImportSlots ??= new Semaphore(2));
  if (slots.busy) onProgress({ phase: "Waiting for other imports to finish" });
  return slots.use(work);
}

/**
 * Reads an upload and checks every row; nothing is added to the member list yet. The checked rows
 * are kept for the preview, the fixes and the commit. Returns the import's id.
 */
export function checkUpload(
  ctx: TenantActor,
  file: { name: string; bytes: Uint8Array },
  mode: ImportMode,
  onProgress: OnProgress = () => {},
): Promise<string> {
  return withImportSlot(onProgress, () => checkUploadNow(ctx, file, mode, onProgress));
}

async function checkUploadNow(
  { actor, tenant }: TenantActor,
  file: { name: string; bytes: Uint8Array },
  mode: ImportMode,
  onProgress: OnProgress,
): Promise<string> {
  onProgress({ phase: "Reading the file" });
  await tick();
  const parsed = parseUpload(file, uploadLimits());
  const mapping = mapHeaders(parsed.headers);
  if (mapping.missing.length > 0) {
    throw new ImportError(
      `No ${FIELD_LABELS.loginId} column: name one column login_id (or ログインID) and upload the file again. The columns found were: ${parsed.headers.filter(Boolean).join(", ") || "none"}.`,
    );
  }
  if (parsed.rows.length === 0) {
    throw new ImportError(
      "The file has a header row but no members under it. Add one row per member and upload it again.",
    );
  }
  const cell = (row: string[], index: number | undefined) =>
    index === undefined ? "" : (row[index] ?? "").trim();
  const rows = parsed.rows.map((row, i) => ({
    loginId: cell(row, mapping.columns.loginId),
    name: cell(row, mapping.columns.name),
    rawEmail: cell(row, mapping.columns.email),
    line: parsed.lines[i]!,
  }));
  const validated = await checkRows(db, tenant.id, mode, rows, onProgress);
  const sql = rawSql();
  onProgress({ phase: "Saving the preview", total: rows.length });
  const stored: StoredRows = {
    headers: parsed.headers,
    unknownColumns: mapping.unknown,
    encoding: parsed.encoding ?? null,
    rows: withInput(validated, rows),
  };
  const [created] = await sql<{ id: string }[]>`
    insert into member_imports
      (tenant_id, created_by, file_name, file_hash, format, mode, row_count, summary, rows)
    values (${tenant.id}, ${actor.userId}, ${file.name.slice(0, 200) || "upload"},
      ${createHash("sha256").update(file.bytes).digest("hex")}, ${parsed.format}, ${mode},
      ${rows.length}, ${JSON.stringify(summarise(validated))}::text::jsonb, ${packRows(stored)})
    returning id`;
  return created!.id;
}

const IMPORT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a path segment can name an import (anything else is simply not found). */
export const isImportId = (id: string) => IMPORT_ID.test(id);

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

export async function loadRows(sql: Db, tenantId: string, id: string): Promise<StoredRows> {
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

/** Locks a previewed import for a change; refuses one already committed or discarded. */
async function lockPreviewed(
  sql: Db,
  tenantId: string,
  id: string,
): Promise<{ stored: StoredRows; mode: ImportMode }> {
  const [row] = await sql<{ status: ImportStatus; mode: ImportMode; rows: Buffer }[]>`
    select status, mode, rows from member_imports
    where id = ${id} and tenant_id = ${tenantId} for update`;
  if (!row) throw new UserError("not_found", "This import no longer exists.");
  if (row.status === "committed")
    throw new UserError("conflict", "This import is already committed; it can no longer change.");
  if (row.status === "discarded")
    throw new UserError("conflict", "This import was discarded. Upload the file again.");
  return { stored: unpackRows(row.rows), mode: row.mode };
}

async function saveChecked(
  sql: Db,
  tenantId: string,
  id: string,
  mode: ImportMode,
  stored: StoredRows,
): Promise<void> {
  await sql`
    update member_imports set mode = ${mode}, rows = ${packRows(stored)},
      summary = ${JSON.stringify(summarise(stored.rows))}::text::jsonb, updated_at = now()
    where id = ${id} and tenant_id = ${tenantId}`;
}

/**
 * Rewrites addresses to their suggested corrections (the given rows, or every row with one) and
 * checks the rows again. Returns how many addresses changed.
 */
export async function applySuggestions(
  { tenant }: TenantActor,
  id: string,
  lines: readonly number[] | "all",
): Promise<number> {
  return withImportSlot(noProgress, () =>
    db.transaction(async (tx) => {
      const sql = pgOf(tx);
      const { stored, mode } = await lockPreviewed(sql, tenant.id, id);
      const wanted = lines === "all" ? null : new Set(lines);
      let changed = 0;
      const rows = stored.rows.map((row) => {
        const suggestion = suggestionOf(row);
        if (suggestion === null || (wanted && !wanted.has(row.line))) return row;
        changed += 1;
        return { ...row, rawEmail: suggestion, fixed: true as const };
      });
      if (changed === 0) return 0;
      const validated = await checkRows(tx, tenant.id, mode, rows);
      await saveChecked(sql, tenant.id, id, mode, { ...stored, rows: withInput(validated, rows) });
      return changed;
    }),
  );
}

/** Switches between "create only" and "create and update", checking the rows again. */
export async function changeImportMode(
  { tenant }: TenantActor,
  id: string,
  mode: ImportMode,
): Promise<void> {
  await withImportSlot(noProgress, () =>
    db.transaction(async (tx) => {
      const sql = pgOf(tx);
      const { stored } = await lockPreviewed(sql, tenant.id, id);
      const validated = await checkRows(tx, tenant.id, mode, stored.rows);
      await saveChecked(sql, tenant.id, id, mode, {
        ...stored,
        rows: withInput(validated, stored.rows),
      });
    }),
  );
}

/** Checks the rows again against the member list as it is now (after a failed commit, say). */
export async function recheckImport({ tenant }: TenantActor, id: string): Promise<void> {
  await withImportSlot(noProgress, () =>
    db.transaction(async (tx) => {
      const sql = pgOf(tx);
      const { stored, mode } = await lockPreviewed(sql, tenant.id, id);
      const validated = await checkRows(tx, tenant.id, mode, stored.rows);
      await saveChecked(sql, tenant.id, id, mode, {
        ...stored,
        rows: withInput(validated, stored.rows),
      });
    }),
  );
}

/** Drops a previewed import: nothing was added, and its rows are no longer kept. */
export async function discardImport({ tenant }: TenantActor, id: string): Promise<void> {
  await rawSql().begin(async (sql) => {
    await lockPreviewed(sql, tenant.id, id);
    await sql`
      update member_imports set status = 'discarded', rows = ${packRows({
        headers: [],
        unknownColumns: [],
        encoding: null,
        rows: [],
      })}, updated_at = now()
      where id = ${id} and tenant_id = ${tenant.id}`;
  });
}
