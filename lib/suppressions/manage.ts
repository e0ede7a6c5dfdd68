/**
 * A tenant's suppression list as its admins see and tend it: their own suppressions, and the
 * account-wide ones that hold back an address of one of their members (never another tenant's
 * addresses); adding one by hand; lifting a hard bounce once the address was corrected. A complaint
 * is the recipient's own word: only an operator lifts it. Every change is audited.
 */
import { sql } from "drizzle-orm";
import { db, type Executor } from "@/db/client";
import { auditLog } from "@/db/schema";
import { normaliseAddress, syntaxProblem } from "@/lib/address";
import type { Actor } from "@/lib/auth/actor";
import { UserError } from "@/lib/errors";
import { inList } from "@/db/in-list";
import type { SuppressionReason } from "./index";

export type SuppressionLine = {
  address: string;
  /** Suppressed for this tenant, or for the whole account. */
  scope: "tenant" | "account";
  reason: SuppressionReason;
  createdAt: string;
  diagnostic: string | null;
  bounceSubType: string | null;
  /** The mail that caused it, when it was one of this tenant's. */
  mailId: number | null;
  note: string | null;
  /** The members of this tenant with this address now. */
  members: { id: string; loginId: string }[];
  /** Whether this tenant's admin may lift it. */
  liftable: boolean;
};

export const SUPPRESSION_PAGE_SIZE = 50;

const ZERO = "00000000-0000-0000-0000-000000000000";

/**
 * The ids of what the admins of `tenantId` may see: their own rows (by the unique index's
 * (scope, coalesce(tenant_id), address) prefix), and the account's rows on their members' addresses
 * (from the members, by address), unless their own row says it already. Its cost follows the
 * tenant, not the platform's whole list.
 */
const visibleIds = (tenantId: string) => sql`
  select s.id from suppressions s
   where s.scope = 'tenant' and coalesce(s.tenant_id, ${ZERO}::uuid) = ${tenantId}
  union
  select s.id from users u
    join suppressions s on s.scope = 'account' and s.address = lower(u.email)
   where u.tenant_id = ${tenantId} and u.email is not null
     and not exists (
       select 1 from suppressions t
        where t.scope = 'tenant' and coalesce(t.tenant_id, ${ZERO}::uuid) = ${tenantId}
          and t.address = s.address)`;

export async function tenantSuppressions(
  tenantId: string,
  query: { q?: string; page?: number } = {},
): Promise<{ lines: SuppressionLine[]; total: number; page: number; pages: number }> {
  // Control characters (a NUL ends PostgreSQL text) are never in an address: dropped, not sent.
  const q = (query.q ?? "")
    .replace(/[\u0000-\u001f\u007f]/g, "")
    .trim()
    .toLowerCase()
    .replace(/[%_\\]/g, (c) => `\\${c}`);
  const search = q ? sql`and s.address like ${`%${q}%`}` : sql``;
  const [count] = await db.execute<{ n: number }>(sql`
    select count(*)::int as n from suppressions s
     where s.id in (${visibleIds(tenantId)}) ${search}`);
  const total = Number(count?.n ?? 0);
  const pages = Math.max(1, Math.ceil(total / SUPPRESSION_PAGE_SIZE));
  const page = Math.min(Math.max(1, query.page ?? 1), pages);
  const rows = await db.execute<{
    address: string;
    scope: "tenant" | "account";
    reason: SuppressionReason;
    createdAt: string;
    diagnostic: string | null;
    bounceSubType: string | null;
    mailId: string | null;
    eventTenant: string | null;
    note: string | null;
    members: { id: string; loginId: string }[] | null;
  }>(sql`
    select s.address, s.scope, s.reason,
           to_char(s.created_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI') as "createdAt",
           e.payload->'bounce'->'bouncedRecipients'->0->>'diagnosticCode' as diagnostic,
           e.bounce_sub_type as "bounceSubType",
           case when e.tenant_id = ${tenantId} then e.outbound_email_id end as "mailId",
           e.tenant_id as "eventTenant", s.detail->>'note' as note,
           (select json_agg(json_build_object('id', u.id, 'loginId', u.login_id) order by u.login_id)
              from users u where u.tenant_id = ${tenantId} and lower(u.email) = s.address) as members
      from suppressions s
      left join ses_events e on e.id = (s.detail->>'eventId')::bigint
     where s.id in (${visibleIds(tenantId)}) ${search}
     order by s.created_at desc, s.address
     limit ${SUPPRESSION_PAGE_SIZE} offset ${(page - 1) * SUPPRESSION_PAGE_SIZE}`);
  return {
    lines: rows.map((r) => ({
      address: r.address,
      scope: r.scope,
      reason: r.reason,
      createdAt: r.createdAt,
      diagnostic: r.diagnostic,
      bounceSubType: r.bounceSubType,
      mailId: r.mailId === null ? null : Number(r.mailId),
      note: r.note,
      members: r.members ?? [],
      liftable: r.reason !== "complaint" && (r.scope === "tenant" || r.eventTenant === tenantId),
    })),
    total,
    page,
    pages,
  };
}

function checkedAddress(raw: string): string {
  const address = normaliseAddress(raw);
  if (!address || syntaxProblem(address) !== null) {
    throw new UserError(
      "invalid",
      "That is not an e-mail address. Check it and try again.",
      "address",
    );
  }
  return address.toLowerCase();
}

/** An admin adds an address by hand (a member asked not to be mailed, a known dead mailbox). */
export async function addSuppression(
  { actor, tenantId }: { actor: Actor; tenantId: string },
  raw: string,
  note: string,
): Promise<string> {
  const address = checkedAddress(raw);
  await db.transaction(async (tx) => {
    const [existing] = await tx.execute(sql`
      select 1 from suppressions where scope = 'tenant' and tenant_id = ${tenantId} and address = ${address}`);
    if (existing)
      throw new UserError("conflict", `${address} is on your suppression list already.`, "address");
    await tx.execute(sql`
      insert into suppressions (scope, tenant_id, address, reason, detail)
      values ('tenant', ${tenantId}, ${address}, 'manual',
              ${JSON.stringify({ note: note.trim().slice(0, 500) || null, by: actor.loginId })}::jsonb)`);
    await audit(tx, tenantId, actor, "suppression.added", address, { note: note.trim() || null });
  });
  return address;
}

/**
 * Lifts a suppression so mail to the address can go again. A tenant's admin lifts a hard bounce or
 * a manual entry of theirs (and the account-wide row their own bounce made), after the member's
 * address was corrected or they confirm the mailbox exists now; never a complaint. An operator
 * lifts any, for the tenant or the account.
 */
export async function liftSuppression(
  actor: Actor,
  target: { tenantId: string | null; address: string; confirmedExists: boolean },
): Promise<{ address: string; stillSuppressedForAccount: boolean }> {
  const address = checkedAddress(target.address);
  return db.transaction(async (tx) => {
    const rows = await tx.execute<{
      id: string;
      scope: "tenant" | "account";
      tenantId: string | null;
      reason: SuppressionReason;
      eventTenant: string | null;
    }>(sql`
      select s.id, s.scope, s.tenant_id as "tenantId", s.reason, e.tenant_id as "eventTenant"
        from suppressions s left join ses_events e on e.id = (s.detail->>'eventId')::bigint
       where s.address = ${address}
         and (s.scope = 'account' or s.tenant_id = ${target.tenantId})
       for update of s`);
    const operator = actor.role === "operator";
    const mine = rows.filter(
      (r) =>
        operator ||
        (r.scope === "tenant" && r.tenantId === target.tenantId) ||
        (r.scope === "account" && r.eventTenant !== null && r.eventTenant === target.tenantId),
    );
    if (mine.length === 0) {
      // The same rule as the list: an account-wide row is this tenant's business only when one of
      // its members has the address. Anything else gets the answer a missing address gets, so
      // nobody learns what another organisation's mail did.
      const [member] =
        target.tenantId && rows.length > 0
          ? await tx.execute(sql`
              select 1 from users where tenant_id = ${target.tenantId} and lower(email) = ${address} limit 1`)
          : [];
      throw new UserError(
        "not_found",
        member
          ? `${address} is suppressed for the whole platform because of another organisation's mail. Ask the platform's operators to lift it.`
          : `${address} is not on your suppression list.`,
      );
    }
    if (!operator && mine.some((r) => r.reason === "complaint")) {
      throw new UserError(
        "forbidden",
        `The recipient of ${address} marked your mail as spam. Only the platform's operators can lift a complaint; ask them if the person asked to be mailed again.`,
      );
    }
    if (!operator && !target.confirmedExists && target.tenantId) {
      const [still] = await tx.execute(sql`
        select 1 from users where tenant_id = ${target.tenantId} and lower(email) = ${address} limit 1`);
      if (still) {
        throw new UserError(
          "invalid",
          `A member still has ${address}, the address that bounced. Correct their address first, or confirm that the mailbox exists now.`,
          "confirmedExists",
        );
      }
    }
    await tx.execute(sql`
      delete from suppressions where ${inList(
        sql.raw("id"),
        mine.map((r) => r.id),
        "bigint",
      )}`);
    await audit(tx, target.tenantId, actor, "suppression.lifted", address, {
      reasons: mine.map((r) => r.reason),
      scopes: mine.map((r) => r.scope),
      confirmedExists: target.confirmedExists,
    });
    const left = rows.filter((r) => !mine.includes(r) && r.scope === "account");
    return { address, stillSuppressedForAccount: left.length > 0 };
  });
}

async function audit(
  tx: Executor,
  tenantId: string | null,
  actor: Actor,
  action: string,
  address: string,
  detail: Record<string, unknown>,
) {
  await tx.insert(auditLog).values({
    tenantId,
    actorId: actor.userId,
    action,
    subjectId: address,
    detail,
  });
}
