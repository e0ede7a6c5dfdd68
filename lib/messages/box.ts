/** A member's own box: their messages newest first, read marks, and the unread count. */
import { sql } from "drizzle-orm";
import { db, type Executor } from "@/db/client";
import type { TenantActor } from "@/lib/auth/actor";
import { UserError } from "@/lib/errors";
import { cancelMails } from "@/lib/mail/outbox";

export const BOX_PAGE_SIZE = 20;

export type BoxLine = {
  id: string;
  subject: string;
  excerpt: string;
  deliveredAt: Date;
  readAt: Date | null;
  kind: "message" | "announcement";
};

const num = (v: unknown) => Number(v ?? 0);

/**
 * One page of a box: the offset is walked in the box index alone (index-only), and only the
 * page's rows are joined to their messages. bench:fanout times this against itself run bare.
 */
export function boxPageQuery(memberId: string, tenantId: string, offset: number) {
  return sql`
    select m.id, m.subject, left(m.body, 160) as excerpt, r.delivered_at as "deliveredAt",
           r.read_at as "readAt", m.kind
      from (select message_id, delivered_at, read_at from message_recipients
             where member_id = ${memberId} and tenant_id = ${tenantId}
             order by delivered_at desc, message_id desc
             limit ${BOX_PAGE_SIZE} offset ${offset}) r
      join messages m on m.id = r.message_id
     order by r.delivered_at desc, r.message_id desc`;
}

/** One page of the member's box and how many messages and unread ones it holds. */
export async function listBox(
  ctx: TenantActor,
  page: number,
): Promise<{ lines: BoxLine[]; total: number; unread: number; pages: number }> {
  const me = ctx.actor.userId;
  const offset = (Math.max(1, page) - 1) * BOX_PAGE_SIZE;
  const [lines, [counts]] = await Promise.all([
    db.execute<BoxLine>(boxPageQuery(me, ctx.tenant.id, offset)),
    db.execute<{ total: number; unread: number }>(sql`
      select count(*)::int as total, count(*) filter (where read_at is null)::int as unread
        from message_recipients where member_id = ${me} and tenant_id = ${ctx.tenant.id}`),
  ]);
  const total = num(counts?.total);
  return {
    lines: lines.map((l) => ({
      ...l,
      deliveredAt: new Date(l.deliveredAt),
      readAt: l.readAt ? new Date(l.readAt) : null,
    })),
    total,
    unread: num(counts?.unread),
    pages: Math.max(1, Math.ceil(total / BOX_PAGE_SIZE)),
  };
}

/** The number on the navigation: by the partial index of unread rows. */
export async function unreadCount(ctx: TenantActor): Promise<number> {
  const [row] = await db.execute<{ n: number }>(sql`
    select count(*)::int as n from message_recipients
     where member_id = ${ctx.actor.userId} and tenant_id = ${ctx.tenant.id} and read_at is null`);
  return num(row?.n);
}

/** The newest message, for the learner's home. */
export async function latestMessage(ctx: TenantActor): Promise<BoxLine | null> {
  return (await listBox(ctx, 1)).lines[0] ?? null;
}

export type OpenedMessage = {
  id: string;
  subject: string;
  body: string;
  kind: "message" | "announcement";
  deliveredAt: Date;
  from: string;
};

/** Cancels the waiting notices of what was just read: nobody needs telling any more. */
async function cancelNoticesOf(
  tx: Executor,
  tenantId: string,
  read: readonly { noticeId: number | null }[],
): Promise<void> {
  const ids = read.flatMap((r) => (r.noticeId == null ? [] : [Number(r.noticeId)]));
  await cancelMails(tx, { tenantId, ids }, "message_read");
}

/**
 * The member's own message, marked read (and its notice cancelled if it has not left). Someone
 * else's message, or another tenant's, is a missing one.
 */
export async function openMessage(ctx: TenantActor, messageId: string): Promise<OpenedMessage> {
  if (!/^[0-9a-f-]{36}$/i.test(messageId)) throw notFound();
  return db.transaction(async (tx) => {
    const [row] = await tx.execute<OpenedMessage>(sql`
      select m.id, m.subject, m.body, m.kind, r.delivered_at as "deliveredAt",
             case when m.kind = 'announcement' then 'Sendwell'
                  else coalesce(nullif(a.name, ''), a.login_id, 'Your administrator') end as "from"
        from message_recipients r
        join messages m on m.id = r.message_id
        left join users a on a.id = m.author_id
       where r.message_id = ${messageId}::uuid and r.member_id = ${ctx.actor.userId}
         and r.tenant_id = ${ctx.tenant.id}`);
    if (!row) throw notFound();
    const read = await tx.execute<{ noticeId: number | null }>(sql`
      update message_recipients set read_at = now()
       where message_id = ${messageId}::uuid and member_id = ${ctx.actor.userId} and read_at is null
      returning notice_id as "noticeId"`);
    await cancelNoticesOf(tx, ctx.tenant.id, read);
    return { ...row, deliveredAt: new Date(row.deliveredAt) };
  });
}

/** Marks every message in the member's box read; returns how many were unread. */
export async function markAllRead(ctx: TenantActor): Promise<number> {
  return db.transaction(async (tx) => {
    const read = await tx.execute<{ noticeId: number | null }>(sql`
      update message_recipients set read_at = now()
       where member_id = ${ctx.actor.userId} and tenant_id = ${ctx.tenant.id} and read_at is null
      returning notice_id as "noticeId"`);
    await cancelNoticesOf(tx, ctx.tenant.id, read);
    return read.length;
  });
}

const notFound = () =>
  new UserError("not_found", "This message does not exist, or it is not in your box.");
