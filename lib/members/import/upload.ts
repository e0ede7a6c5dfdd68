import { createHash } from "node:crypto";
import { db, rawSql } from "@/db/client";
import type { TenantActor } from "@/lib/auth/actor";
import { env } from "@/lib/env";
import { checkRows, tick, withInput } from "./check";
import { ImportError } from "./errors";
import { FIELD_LABELS, mapHeaders } from "./headers";
import { parseUpload, type UploadLimits } from "./parse";
import { packRows, type OnProgress, type StoredRows } from "./rows";
import { withImportSlot } from "./slots";
import { summarise, type ImportMode } from "./validate";

/** The upload limits (IMPORT_MAX_BYTES, IMPORT_MAX_ROWS). */
export function uploadLimits(): UploadLimits {
  const { IMPORT_MAX_BYTES, IMPORT_MAX_ROWS } = env();
  return { maxBytes: IMPORT_MAX_BYTES, maxRows: IMPORT_MAX_ROWS };
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
    ...(parsed.cleanedLines.length > 0 ? { cleanedLines: parsed.cleanedLines } : {}),
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
