/** What an admin sees of the messages their organisation sent: who read them, what the notices did. */
import { sql } from "drizzle-orm";
import { db } from "@/db/client";
import type { MailStatus, NoticeMode } from "@/db/schema";
import type { TenantActor } from "@/lib/auth/actor";
import { UserError } from "@/lib/errors";

export const SENT_PAGE_SIZE = 20;
export const RECIPIENT_PAGE_SIZE = 50;

/** A notice's fate in the words of the sent-messages page. */
export type NoticeCounts = {
  waiting: number;
  sent: number;
  delivered: number;
  bounced: number;
  held: number;
  blocked: number;
  failed: number;
  cancelledRead: number;
  none: number;
};

export type SentLine = {
  id: string;
  subject: string;
  kind: "message" | "announcement";
  noticeMode: NoticeMode;
  createdAt: Date;
  author: string | null;
  recipients: number;
  read: number;
  notices: NoticeCounts;
};

const num = (v: unknown) => Number(v ?? 0);

// One aggregate per message over its box rows and their latest notices.
const COUNTS = sql`
  count(*)::int as recipients,
  count(r.read_at)::int as read,
  count(*) filter (where o.status in ('queued', 'sending'))::int as waiting,
  count(*) filter (where o.status in ('sent', 'delivered', 'bounced', 'complained'))::int as sent,
  count(*) filter (where o.status = 'delivered')::int as delivered,
  count(*) filter (where o.status in ('bounced', 'complained'))::int as bounced,
  count(*) filter (where o.status = 'held')::int as held,
  count(*) filter (where o.status = 'blocked')::int as blocked,
  count(*) filter (where o.status in ('failed', 'expired'))::int as failed,
  count(*) filter (where o.status = 'cancelled' and o.reason = 'message_read')::int as "cancelledRead",
  count(*) filter (where o.id is null)::int as none`;

type CountRow = Record<keyof NoticeCounts | "recipients" | "read", number>;
const countsOf = (r: CountRow): NoticeCounts => ({
  waiting: num(r.waiting),
  sent: num(r.sent),
  delivered: num(r.delivered),
  bounced: num(r.bounced),
  held: num(r.held),
  blocked: num(r.blocked),
  failed: num(r.failed),
  cancelledRead: num(r.cancelledRead),
  none: num(r.none),
});

/** A page of the tenant's messages, newest first, each with its counts. */
export async function listSent(
  ctx: TenantActor,
  page: number,
): Promise<{ lines: SentLine[]; total: number; pages: number }> {
  const offset = (Math.max(1, page) - 1) * SENT_PAGE_SIZE;
  const [rows, [count]] = await Promise.all([
    db.execute<Omit<SentLine, "notices"> & CountRow>(sql`
      select m.id, m.subject, m.kind, m.notice_mode as "noticeMode", m.created_at as "createdAt",
             coalesce(nullif(a.name, ''), a.login_id) as author, c.*
        from (select * from messages where tenant_id = ${ctx.tenant.id}
               order by created_at desc, id desc limit ${SENT_PAGE_SIZE} offset ${offset}) m
        left join users a on a.id = m.author_id
        cross join lateral (
          select ${COUNTS}
            from message_recipients r left join outbound_emails o on o.id = r.notice_id
           where r.message_id = m.id) c
       order by m.created_at desc, m.id desc`),
    db.execute<{ n: number }>(
      sql`select count(*)::int as n from messages where tenant_id = ${ctx.tenant.id}`,
    ),
  ]);
  const total = num(count?.n);
  return {
    lines: rows.map((r) => ({
      id: r.id,
      subject: r.subject,
      kind: r.kind,
      noticeMode: r.noticeMode,
      createdAt: new Date(r.createdAt),
      author: r.author,
      recipients: num(r.recipients),
      read: num(r.read),
      notices: countsOf(r),
    })),
    total,
    pages: Math.max(1, Math.ceil(total / SENT_PAGE_SIZE)),
  };
}

export type RecipientLine = {
  memberId: string;
  loginId: string;
  name: string;
  email: string | null;
  readAt: Date | null;
  notices: number;
  noticeStatus: MailStatus | null;
  noticeReason: string | null;
};

export type SentMessage = SentLine & {
  body: string;
  recipientsPage: RecipientLine[];
  pages: number;
};

/** One of the tenant's messages with its counts and a page of its recipients. */
export async function sentMessage(
  ctx: TenantActor,
  messageId: string,
  page: number,
): Promise<SentMessage> {
  if (!/^[0-9a-f-]{36}$/i.test(messageId)) throw notFound();
  const [head] = await db.execute<Omit<SentLine, "notices"> & CountRow & { body: string }>(sql`
    select m.id, m.subject, m.body, m.kind, m.notice_mode as "noticeMode", m.created_at as "createdAt",
           coalesce(nullif(a.name, ''), a.login_id) as author, c.*
      from messages m
      left join users a on a.id = m.author_id
      cross join lateral (
        select ${COUNTS}
          from message_recipients r left join outbound_emails o on o.id = r.notice_id
         where r.message_id = m.id) c
     where m.id = ${messageId}::uuid and m.tenant_id = ${ctx.tenant.id}`);
  if (!head) throw notFound();
  const offset = (Math.max(1, page) - 1) * RECIPIENT_PAGE_SIZE;
  const rows = await db.execute<RecipientLine>(sql`
    select r.member_id as "memberId", u.login_id as "loginId", u.name, u.email,
           r.read_at as "readAt", r.notices, o.status as "noticeStatus", o.reason as "noticeReason"
      from message_recipients r
      join users u on u.id = r.member_id
      left join outbound_emails o on o.id = r.notice_id
     where r.message_id = ${messageId}::uuid and r.tenant_id = ${ctx.tenant.id}
     order by lower(u.login_id), r.member_id
     limit ${RECIPIENT_PAGE_SIZE} offset ${offset}`);
  const recipients = num(head.recipients);
  return {
    id: head.id,
    subject: head.subject,
    body: head.body,
    kind: head.kind,
    noticeMode: head.noticeMode,
    createdAt: new Date(head.createdAt),
    author: head.author,
    recipients,
    read: num(head.read),
    notices: countsOf(head),
    recipientsPage: rows.map((r) => ({
      ...r,
      notices: num(r.notices),
      readAt: r.readAt ? new Date(r.readAt) : null,
    })),
    pages: Math.max(1, Math.ceil(recipients / RECIPIENT_PAGE_SIZE)),
  };
}

const notFound = () =>
  new UserError("not_found", "This message does not exist, or it is not your organisation's.");
