import { randomUUID } from "node:crypto";
import { getTableName } from "drizzle-orm";
import { db, pgOf, type PgConnection } from "@/db/client";
import { jsonList } from "@/db/in-list";
import { copyInto, type CopyValue } from "@/db/copy";
import { users, type User } from "@/db/schema";
import type { TenantActor } from "@/lib/auth/actor";
import { normaliseLoginId } from "@/lib/auth/login-id";
import { UserError } from "@/lib/errors";
import { giveWaysIn, type Newcomer } from "@/lib/members/way-in";
import { summarise, type ImportMode } from "./validate";
import { acceptedRowsChanged, checkRows } from "./check";
import {
  packRows,
  unpackRows,
  type CommitSummary,
  type ImportRow,
  type ImportStatus,
  type OnProgress,
} from "./rows";
import { withImportSlot } from "./slots";

/** An activation code for a member without an address: shown once, never stored in the clear. */
export type IssuedCode = { line: number; loginId: string; name: string; code: string };

export type CommitOutcome = CommitSummary & {
  /** True when this import had been committed before: nothing was done again. */
  alreadyCommitted: boolean;
  codes: IssuedCode[];
};

type Existing = Pick<User, "id" | "status" | "name" | "email"> & { key: string };

// Named by the schema: a renamed column fails the type check, not a commit.
const USER_FIELDS = [
  "id",
  "tenantId",
  "role",
  "loginId",
  "name",
  "email",
  "emailStatus",
  "status",
] as const satisfies readonly (keyof typeof users.$inferInsert)[];
const USER_COLUMNS = USER_FIELDS.map((field) => users[field].name);

const CHANGED_SINCE_PREVIEW =
  "The member list changed since this file was checked, so some rows now have a different outcome. Nothing was added: review the updated preview and commit again.";
const TAKEN_DURING_COMMIT =
  "A member with one of these login IDs was added while the import ran. Nothing was added: check the file again and commit.";

/**
 * Adds the import's accepted rows in one transaction: new members (COPY), their invitations as one
 * bulk batch through the outbox (the guard decides when each goes out), activation codes for
 * members without an address, and, when updating, the changed names and addresses. Committing an
 * import again does nothing and says so; a failure leaves nothing behind.
 */
export function commitImport(
  ctx: TenantActor,
  id: string,
  onProgress: OnProgress = () => {},
): Promise<CommitOutcome> {
  return withImportSlot(onProgress, () => commitNow(ctx, id, onProgress));
}

async function commitNow(
  { actor, tenant }: TenantActor,
  id: string,
  onProgress: OnProgress,
): Promise<CommitOutcome> {
  let outcome: CommitOutcome | "changed";
  try {
    outcome = await db.transaction(async (tx) => {
      const sql = pgOf(tx);
      const [locked] = await sql<
        { status: ImportStatus; mode: ImportMode; rows: Buffer; result: CommitSummary | null }[]
      >`
        select status, mode, rows, result from member_imports
        where id = ${id} and tenant_id = ${tenant.id} for update`;
      if (!locked) throw new UserError("not_found", "This import no longer exists.");
      if (locked.status === "committed") {
        return { ...locked.result!, alreadyCommitted: true, codes: [] };
      }
      if (locked.status === "discarded") {
        throw new UserError("conflict", "This import was discarded. Upload the file again.");
      }
      const stored = unpackRows(locked.rows);

      // The tenant may have changed since the preview: the outcome the admin saw must still hold.
      onProgress({ phase: "Checking the rows again", total: stored.rows.length });
      const now = (await acceptedRowsChanged(tx, tenant.id, stored.rows))
        ? await checkRows(tx, tenant.id, locked.mode, stored.rows)
        : null;
      if (now?.some((row, i) => outcomeOf(row) !== outcomeOf(stored.rows[i]!))) {
        const rows = now.map((row, i) => ({ ...stored.rows[i]!, ...row }));
        await sql`
          update member_imports set rows = ${packRows({ ...stored, rows })},
            summary = ${JSON.stringify(summarise(rows))}::text::jsonb, updated_at = now()
          where id = ${id} and tenant_id = ${tenant.id}`;
        return "changed" as const;
      }

      const accepted = stored.rows.filter((row) => row.status !== "error");
      const existing =
        locked.mode === "create_and_update" ? await existingLearners(sql, tenant.id, accepted) : [];
      const byKey = new Map(existing.map((member) => [member.key, member]));
      onProgress({ phase: `Preparing ${accepted.length.toLocaleString("en")} rows` });
      const plan = planCommit(tenant.id, accepted, byKey);

      onProgress({ phase: `Adding ${plan.users.length.toLocaleString("en")} members` });
      await copyInto(sql, getTableName(users), USER_COLUMNS, plan.users);
      if (plan.updates.length > 0) {
        onProgress({ phase: `Updating ${plan.updates.length.toLocaleString("en")} members` });
        await applyUpdates(sql, tenant.id, plan.updates);
      }
      const ways = await giveWaysIn(tx, tenant.id, plan.newcomers, {
        superseding: plan.superseded,
        onQueuing: (n) => onProgress({ phase: `Queuing ${n.toLocaleString("en")} invitations` }),
      });
      const codes = ways.codes.map(({ userId, code }) => ({ ...plan.rowOf.get(userId)!, code }));

      const summary: CommitSummary = {
        created: plan.users.length,
        updated: plan.updates.length,
        unchanged: plan.unchanged,
        invitations: ways.invitations,
        activationCodes: codes.length,
        skipped: stored.rows.length - accepted.length,
        batchId: ways.batchId,
      };
      await sql`
        insert into audit_log (tenant_id, actor_id, action, subject_id, detail)
        values (${tenant.id}, ${actor.userId}, 'members.imported', ${id},
          ${JSON.stringify({ ...summary, mode: locked.mode })}::text::jsonb)`;
      await sql`
        update member_imports
        set status = 'committed', result = ${JSON.stringify(summary)}::text::jsonb, committed_at = now(),
          updated_at = now()
        where id = ${id} and tenant_id = ${tenant.id}`;
      return { ...summary, alreadyCommitted: false, codes };
    });
  } catch (error) {
    if (constraintOf(error) === "users_tenant_login_id_key") {
      throw new UserError("conflict", TAKEN_DURING_COMMIT);
    }
    throw error;
  }
  if (outcome === "changed") throw new UserError("conflict", CHANGED_SINCE_PREVIEW);
  return outcome;
}

/** What decides what the commit does with a row: its status and its problems. */
function outcomeOf(row: { status: string; problems: readonly { code: string }[] }): string {
  return `${row.status}:${row.problems.map((problem) => problem.code).join(",")}`;
}

function constraintOf(error: unknown): string | undefined {
  const e = error as { constraint_name?: string; cause?: { constraint_name?: string } };
  return e.constraint_name ?? e.cause?.constraint_name;
}

async function existingLearners(
  sql: PgConnection,
  tenantId: string,
  rows: readonly ImportRow[],
): Promise<Existing[]> {
  const keys = rows.map((row) => normaliseLoginId(row.loginId));
  // Locked, so an edit made at the same moment waits for the import instead of being overwritten.
  return sql<Existing[]>`
    select id, lower(login_id) as key, status, name, email from users
    where tenant_id = ${tenantId} and role = 'learner'
      and lower(login_id) in (select json_array_elements_text(${jsonList(keys)}::text::json))
    for update`;
}

type Update = { id: string; name: string; email: string | null; emailChanged: boolean };

type Plan = {
  users: CopyValue[][];
  updates: Update[];
  unchanged: number;
  /** Members who get a way in: every new one, and those updated to a new address who have not started. */
  newcomers: Newcomer[];
  /** Where each newcomer's row is in the file, for the codes sheet. */
  rowOf: Map<string, Omit<IssuedCode, "code">>;
  /** Newcomers whose earlier invitation or code stops working (and whose pending invitation is cancelled). */
  superseded: string[];
};

/** What the commit writes, worked out in memory first so the database sees a few large COPYs. */
function planCommit(
  tenantId: string,
  accepted: readonly ImportRow[],
  existing: ReadonlyMap<string, Existing>,
): Plan {
  const plan: Plan = {
    users: [],
    updates: [],
    unchanged: 0,
    newcomers: [],
    rowOf: new Map(),
    superseded: [],
  };
  const newcomer = (userId: string, row: ImportRow, name: string, email: string | null) => {
    plan.newcomers.push({ tenantId, userId, loginId: row.loginId, name, email });
    plan.rowOf.set(userId, { line: row.line, loginId: row.loginId, name });
  };

  for (const row of accepted) {
    const member = existing.get(normaliseLoginId(row.loginId));
    if (!member) {
      const userId = randomUUID();
      plan.users.push([
        userId,
        tenantId,
        "learner",
        row.loginId,
        row.name,
        row.email,
        row.email ? "unchecked" : "none",
        "invited",
      ]);
      newcomer(userId, row, row.name, row.email);
      continue;
    }
    // An empty cell (or a column the file does not have) keeps what is stored: an update never
    // erases a name or an address.
    const name = row.name || member.name;
    const email = row.email ?? member.email;
    const emailChanged = (member.email ?? "").toLowerCase() !== (email ?? "").toLowerCase();
    if (!emailChanged && member.name === name) {
      plan.unchanged += 1;
      continue;
    }
    plan.updates.push({ id: member.id, name, email, emailChanged });
    // Like editing one member: a new address of someone who has not started gets a fresh start.
    if (emailChanged && member.status === "invited") {
      plan.superseded.push(member.id);
      newcomer(member.id, row, name, email);
    }
  }
  return plan;
}

async function applyUpdates(
  sql: PgConnection,
  tenantId: string,
  updates: readonly Update[],
): Promise<void> {
  const values = updates.map((u) => ({
    id: u.id,
    name: u.name,
    email: u.email,
    email_changed: u.emailChanged,
  }));
  await sql`
    update users u set
      name = v.name,
      email = v.email,
      email_status = case when not v.email_changed then u.email_status
        when v.email is null then 'none'::email_status else 'unchecked'::email_status end,
      updated_at = now()
    from json_to_recordset(${JSON.stringify(values)}::text::json)
      as v(id uuid, name text, email text, email_changed boolean)
    where u.id = v.id and u.tenant_id = ${tenantId}`;
}

/**
 * New activation codes for the members this import added without an address who have not started
 * yet: for an admin who lost the sheet shown at commit. Their earlier codes stop working.
 */
export async function reissueImportCodes(
  { actor, tenant }: TenantActor,
  id: string,
): Promise<IssuedCode[]> {
  return db.transaction(async (tx) => {
    const sql = pgOf(tx);
    const [record] = await sql<{ status: ImportStatus; rows: Buffer; dropped: string | null }[]>`
      select status, rows, result->>'rowsDroppedAt' as dropped
      from member_imports where id = ${id} and tenant_id = ${tenant.id}`;
    if (!record) throw new UserError("not_found", "This import no longer exists.");
    if (record.status !== "committed") {
      throw new UserError("conflict", "Codes are issued when the import is committed.");
    }
    if (record.dropped) {
      throw new UserError(
        "conflict",
        "This import's rows were deleted under the retention rule, so it no longer knows whom it added. Issue a code to each member who still needs one from Sign-in help.",
      );
    }
    const rows = unpackRows(record.rows).rows.filter((row) => row.status !== "error" && !row.email);
    const lines = new Map(rows.map((row) => [normaliseLoginId(row.loginId), row.line]));
    const members = await sql<{ id: string; key: string; login_id: string; name: string }[]>`
      select id, lower(login_id) as key, login_id, name from users
      where tenant_id = ${tenant.id} and role = 'learner' and status = 'invited' and email is null
        and lower(login_id) in (select json_array_elements_text(${jsonList([...lines.keys()])}::text::json))
      order by login_id
      for update`;
    if (members.length === 0) {
      throw new UserError(
        "conflict",
        "Every member this file added without an address has started (or now has an address): no code is needed.",
      );
    }
    const ways = await giveWaysIn(
      tx,
      tenant.id,
      members.map((m) => ({
        tenantId: tenant.id,
        userId: m.id,
        loginId: m.login_id,
        name: m.name,
        email: null,
      })),
      { superseding: members.map((m) => m.id) },
    );
    await sql`
      insert into audit_log (tenant_id, actor_id, action, subject_id, detail)
      values (${tenant.id}, ${actor.userId}, 'members.codes_reissued', ${id},
        ${JSON.stringify({ count: ways.codes.length })}::text::jsonb)`;
    const byId = new Map(members.map((m) => [m.id, m]));
    return ways.codes.map(({ userId, code }) => {
      const member = byId.get(userId)!;
      return {
        line: lines.get(member.key) ?? 0,
        loginId: member.login_id,
        name: member.name,
        code,
      };
    });
  });
}
