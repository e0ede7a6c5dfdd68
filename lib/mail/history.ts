/** Reading a tenant's mail: one member's history, and the mail in one state (the health page's links). */
import { sql } from "drizzle-orm";
import { db } from "@/db/client";
import { listValues } from "@/db/in-list";
import type { MailCategory, MailStatus } from "@/db/schema";
import { reasonText, STATUS_LABEL } from "./reasons";

export type MailLine = {
  id: number;
  category: MailCategory;
  address: string | null;
  status: MailStatus;
  statusText: string;
  reason: string | null;
  reasonText: string | null;
  attempts: number;
  queuedAt: string;
  sentAt: string | null;
  /** Delivered, bounced or complained, or failed. */
  resolvedAt: string | null;
  bounceType: string | null;
  diagnostic: string | null;
  member: { id: string; loginId: string } | null;
};

const stamp = (column: string) =>
  sql.raw(`to_char(o.${column} at time zone 'UTC', 'YYYY-MM-DD HH24:MI')`);

async function mailLines(
  where: ReturnType<typeof sql>,
  limit: number,
  offset = 0,
): Promise<MailLine[]> {
  const rows = await db.execute<
    Omit<MailLine, "statusText" | "reasonText" | "member" | "id"> & {
      id: string;
      memberId: string | null;
      loginId: string | null;
    }
  >(sql`
    select o.id, o.category, o.to_address as address, o.status, o.reason, o.attempts,
           ${stamp("created_at")} as "queuedAt", ${stamp("sent_at")} as "sentAt",
           ${stamp("resolved_at")} as "resolvedAt", ev.bounce_type as "bounceType", ev.diagnostic,
           o.member_id as "memberId", u.login_id as "loginId"
      from outbound_emails o
      left join users u on u.id = o.member_id and u.tenant_id = o.tenant_id
      left join lateral (
        select e.bounce_type, coalesce(e.payload->'bounce'->'bouncedRecipients'->0->>'diagnosticCode',
                                       e.payload->'complaint'->>'complaintFeedbackType') as diagnostic
          from ses_events e
         where e.outbound_email_id = o.id and e.event_type in ('Bounce', 'Complaint')
         order by e.id desc limit 1
      ) ev on true
     where ${where}
     order by o.id desc
     limit ${limit} offset ${offset}`);
  return rows.map(({ memberId, loginId, ...r }) => ({
    ...r,
    id: Number(r.id),
    attempts: Number(r.attempts),
    statusText: STATUS_LABEL[r.status],
    reasonText: reasonText(r.reason),
    member: memberId && loginId ? { id: memberId, loginId } : null,
  }));
}

/** Every mail to one member of the tenant, newest first (the last 100). */
export function memberMail(tenantId: string, memberId: string): Promise<MailLine[]> {
  return mailLines(sql`o.tenant_id = ${tenantId} and o.member_id = ${memberId}`, 100);
}

export const MAIL_PAGE_SIZE = 50;

/**
 * One page of the tenant's mail in a state (and reason: "none" for those without one), newest
 * first, with how many there are.
 */
export async function mailInState(
  tenantId: string,
  filter: { status: MailStatus; reason?: string | null },
  page: number,
): Promise<{ lines: MailLine[]; total: number; page: number; pages: number }> {
  const where = sql`o.tenant_id = ${tenantId} and o.status = ${filter.status}
    ${filter.reason === "none" ? sql`and o.reason is null` : filter.reason ? sql`and o.reason = ${filter.reason}` : sql``}`;
  const [count] = await db.execute<{ n: number }>(sql`
    select count(*)::int as n from outbound_emails o where ${where}`);
  const total = Number(count?.n ?? 0);
  const pages = Math.max(1, Math.ceil(total / MAIL_PAGE_SIZE));
  const current = Math.min(Math.max(1, page), pages);
  return {
    lines: await mailLines(where, MAIL_PAGE_SIZE, (current - 1) * MAIL_PAGE_SIZE),
    total,
    page: current,
    pages,
  };
}

export type LatestMail = { status: MailStatus; reason: string | null; category: MailCategory };

/** The latest mail of each of these members (the member table's mail badge). */
export async function latestMailOf(
  tenantId: string,
  memberIds: readonly string[],
): Promise<Map<string, LatestMail>> {
  if (memberIds.length === 0) return new Map();
  const rows = await db.execute<LatestMail & { memberId: string }>(sql`
    select m.id as "memberId", l.status, l.reason, l.category
      from (${listValues(memberIds, "uuid")}) as m(id)
      join lateral (
        select status, reason, category from outbound_emails
         where tenant_id = ${tenantId} and member_id = m.id
         order by id desc limit 1
      ) l on true`);
  return new Map(rows.map(({ memberId, ...l }) => [memberId, l]));
}
