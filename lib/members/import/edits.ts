/** Changing an import before it is committed: fixes, the mode, checking again, discarding. */
import { db, pgOf, rawSql, type PgConnection } from "@/db/client";
import type { TenantActor } from "@/lib/auth/actor";
import { UserError } from "@/lib/errors";
import { checkRows, withInput } from "./check";
import { suggestionOf } from "./records";
import { packRows, unpackRows, type ImportStatus, type StoredRows } from "./rows";
import { noProgress, withImportSlot } from "./slots";
import { summarise, type ImportMode } from "./validate";

/** Locks a previewed import for a change; refuses one already committed or discarded. */
async function lockPreviewed(
  sql: PgConnection,
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
  sql: PgConnection,
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
