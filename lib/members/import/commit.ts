import "server-only";
import { randomUUID } from "node:crypto";
import type postgres from "postgres";
import { copyInto, type CopyValue } from "@/db/copy";
import { rawSql } from "@/db/client";
import type { TenantActor } from "@/lib/auth/actor";
import { normaliseLoginId } from "@/lib/auth/login-id";
import { UserError } from "@/lib/errors";
import { outboxRow } from "@/lib/mail/outbox";
import { ACTIVATION_CODE_DAYS, INVITATION_DAYS } from "@/lib/members/members";
import { formatCode, hashSecret, linkTokenPool, newActivationCode } from "@/lib/members/secrets";
import { summarise, type ImportMode } from "./validate";
import {
  acceptedRowsChanged,
  checkRows,
  jsonList,
  packRows,
  unpackRows,
  withImportSlot,
  type CommitSummary,
  type ImportRow,
  type ImportStatus,
  type OnProgress,
} from "./store";

/** An activation code for a member without an address: shown once, never stored in the clear. */
export type IssuedCode = { line: number; loginId: string; name: string; code: string };

export type CommitOutcome = CommitSummary & {
  /** True when this import had been committed before: nothing was done again. */
  alreadyCommitted: boolean;
  codes: IssuedCode[];
};

type Existing = { id: string; key: string; status: string; name: string; email: string | null };

const USER_COLUMNS = [
  "id",
  "tenant_id",
  "role",
  "login_id",
  "name",
  "email",
  "email_status",
  "status",
] as const;
const TOKEN_COLUMNS = ["tenant_id", "user_id", "kind", "token_hash", "expires_at"] as const;
const OUTBOX_COLUMNS = [
  "tenant_id",
  "member_id",
  "category",
  "lane",
  "to_address",
  "template",
  "params",
  "batch_id",
] as const;

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
    outcome = await rawSql().begin(async (sql) => {
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
      const now = (await acceptedRowsChanged(sql, tenant.id, stored.rows))
        ? await checkRows(sql, tenant.id, locked.mode, stored.rows)
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
      await copyInto(sql, "users", USER_COLUMNS, plan.users);
      if (plan.updates.length > 0) {
        onProgress({ phase: `Updating ${plan.updates.length.toLocaleString("en")} members` });
        await applyUpdates(sql, tenant.id, plan.updates);
        await supersede(sql, tenant.id, plan.superseded);
      }
      await copyInto(sql, "member_tokens", TOKEN_COLUMNS, plan.tokens);
      onProgress({ phase: `Queuing ${plan.mails.length.toLocaleString("en")} invitations` });
      await copyInto(sql, "outbound_emails", OUTBOX_COLUMNS, plan.mails);

      const summary: CommitSummary = {
        created: plan.users.length,
        updated: plan.updates.length,
        unchanged: plan.unchanged,
        invitations: plan.mails.length,
        activationCodes: plan.codes.length,
        skipped: stored.rows.length - accepted.length,
        batchId: plan.mails.length > 0 ? plan.batchId : null,
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
      return { ...summary, alreadyCommitted: false, codes: plan.codes };
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
  sql: postgres.TransactionSql,
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
  batchId: string;
  users: CopyValue[][];
  tokens: CopyValue[][];
  mails: CopyValue[][];
  codes: IssuedCode[];
  updates: Update[];
  unchanged: number;
  /** Members whose earlier invitation or code stops working (and whose pending invitation is cancelled). */
  superseded: string[];
};

/** What the commit writes, worked out in memory first so the database sees a few large COPYs. */
function planCommit(
  tenantId: string,
  accepted: readonly ImportRow[],
  existing: ReadonlyMap<string, Existing>,
): Plan {
  const plan: Plan = {
    batchId: randomUUID(),
    users: [],
    tokens: [],
    mails: [],
    codes: [],
    updates: [],
    unchanged: 0,
    superseded: [],
  };
  const nextToken = linkTokenPool(accepted.filter((row) => row.email).length);
  const invitationExpiry = new Date(Date.now() + INVITATION_DAYS * 86_400_000);
  const codeExpiry = new Date(Date.now() + ACTIVATION_CODE_DAYS * 86_400_000);

  // A member who has not started gets a way in: an invitation to their address, or a code.
  const giveStart = (userId: string, row: ImportRow) => {
    if (row.email) {
      const token = nextToken();
      plan.tokens.push([tenantId, userId, "invitation", hashSecret(token), invitationExpiry]);
      const mail = outboxRow({
        tenantId,
        memberId: userId,
        category: "invitation",
        to: row.email,
        params: { memberName: row.name, loginId: row.loginId, token },
        batchId: plan.batchId,
      });
      plan.mails.push([
        mail.tenantId,
        mail.memberId,
        mail.category,
        mail.lane,
        mail.toAddress,
        mail.template,
        mail.params,
        mail.batchId,
      ]);
    } else {
      const code = newActivationCode();
      plan.tokens.push([tenantId, userId, "activation_code", hashSecret(code), codeExpiry]);
      plan.codes.push({
        line: row.line,
        loginId: row.loginId,
        name: row.name,
        code: formatCode(code),
      });
    }
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
      giveStart(userId, row);
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
      giveStart(member.id, { ...row, name, email });
    }
  }
  return plan;
}

async function applyUpdates(
  sql: postgres.TransactionSql,
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
 * The earlier ways in of members who get a new one: their unused invitation links and codes stop
 * working, and an invitation still waiting in the outbox (to the old address) is cancelled.
 */
async function supersede(
  sql: postgres.TransactionSql,
  tenantId: string,
  userIds: readonly string[],
): Promise<void> {
  if (userIds.length === 0) return;
  const ids = sql`(select json_array_elements_text(${jsonList(userIds)}::text::json)::uuid)`;
  await sql`
    update member_tokens set used_at = now()
    where tenant_id = ${tenantId} and kind in ('invitation', 'activation_code') and used_at is null
      and user_id in ${ids}`;
  await sql`
    update outbound_emails set status = 'cancelled', reason = 'superseded', updated_at = now()
    where tenant_id = ${tenantId} and category = 'invitation' and status in ('queued', 'held')
      and member_id in ${ids}`;
}

/**
 * New activation codes for the members this import added without an address who have not started
 * yet: for an admin who lost the sheet shown at commit. Their earlier codes stop working.
 */
export async function reissueImportCodes(
  { actor, tenant }: TenantActor,
  id: string,
): Promise<IssuedCode[]> {
  return rawSql().begin(async (sql) => {
    const [record] = await sql<{ status: ImportStatus; rows: Buffer }[]>`
      select status, rows from member_imports where id = ${id} and tenant_id = ${tenant.id}`;
    if (!record) throw new UserError("not_found", "This import no longer exists.");
    if (record.status !== "committed") {
      throw new UserError("conflict", "Codes are issued when the import is committed.");
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
    await supersede(
      sql,
      tenant.id,
      members.map((member) => member.id),
    );
    const expiry = new Date(Date.now() + ACTIVATION_CODE_DAYS * 86_400_000);
    const codes = members.map((member) => ({ member, code: newActivationCode() }));
    await copyInto(
      sql,
      "member_tokens",
      TOKEN_COLUMNS,
      codes.map(({ member, code }) => [
        tenant.id,
        member.id,
        "activation_code",
        hashSecret(code),
        expiry,
      ]),
    );
    await sql`
      insert into audit_log (tenant_id, actor_id, action, subject_id, detail)
      values (${tenant.id}, ${actor.userId}, 'members.codes_reissued', ${id},
        ${JSON.stringify({ count: codes.length })}::text::jsonb)`;
    return codes.map(({ member, code }) => ({
      line: lines.get(member.key) ?? 0,
      loginId: member.login_id,
      name: member.name,
      code: formatCode(code),
    }));
  });
}
