/**
 * Posting a message: the message, one box row per recipient and their notices, in one transaction
 * and set-based (INSERT … SELECT from the members, then from the box rows into the outbox), so 50,000
 * recipients cost three statements, and a failure leaves nothing half-sent.
 */
import { and, eq, ne, sql, type SQL } from "drizzle-orm";
import { db, type Executor } from "@/db/client";
import { inList } from "@/db/in-list";
import { auditLog, messages, users, type NoticeMode } from "@/db/schema";
import type { TenantActor } from "@/lib/auth/actor";
import { UserError } from "@/lib/errors";
import { enqueueSelected, nextMailId } from "@/lib/mail/outbox";
import { memberFilter } from "@/lib/members/list";
import type { Audience } from "./audience";
import { checkContent } from "./content";

/** How long "only if still unread" waits before the notice goes. */
export const NOTICE_DELAY_MS: Record<NoticeMode, number | null> = {
  now: 0,
  after_1h: 60 * 60_000,
  after_1d: 24 * 60 * 60_000,
  never: null,
};

/** The members an audience names in a tenant: never a disabled one, never the author. */
export function audienceWhere(tenantId: string, audience: Audience, authorId: string | null): SQL {
  const base =
    audience.kind === "filter"
      ? memberFilter(tenantId, {
          ...audience.filter,
          status: audience.filter.status as "active" | "invited" | "disabled" | undefined,
          email: audience.filter.email as never,
        })
      : eq(users.tenantId, tenantId);
  return and(
    base,
    ne(users.status, "disabled"),
    ne(users.role, "operator"),
    authorId ? ne(users.id, authorId) : undefined,
    audience.kind === "selected" ? inList(users.id, audience.ids, "uuid") : undefined,
  )!;
}

/** A selection naming anyone who is not a member of this tenant is refused whole. */
export async function checkSelection(
  tx: Executor,
  tenantId: string,
  audience: Audience,
): Promise<void> {
  if (audience.kind !== "selected") return;
  const [row] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(users)
    .where(and(eq(users.tenantId, tenantId), inList(users.id, audience.ids, "uuid")));
  const missing = audience.ids.length - Number(row?.n ?? 0);
  if (missing > 0) {
    throw new UserError(
      "invalid",
      `${missing === 1 ? "One of the selected members is" : `${missing} of the selected members are`} not in your organisation (deleted since, or never yours). Nothing was sent: select the members again.`,
    );
  }
}

export type PostInput = {
  subject: string;
  body: string;
  noticeMode: NoticeMode;
  audience: Audience;
};

export type Posted = { messageId: string; recipients: number; notices: number };

/**
 * Writes the message, its box rows and (unless `never`) its notices inside `tx`. The recipients are
 * selected by `where` over `users`; notices are bulk mail through the guard, due now or after the
 * delay (cancelled for whoever reads first).
 */
export async function postInTx(
  tx: Executor,
  spec: {
    tenantId: string;
    authorId: string | null;
    kind: "message" | "announcement";
    subject: string;
    body: string;
    noticeMode: NoticeMode;
    where: SQL;
  },
): Promise<Posted> {
  const now = new Date();
  const [message] = await tx
    .insert(messages)
    .values({
      tenantId: spec.tenantId,
      authorId: spec.authorId,
      kind: spec.kind,
      subject: spec.subject,
      body: spec.body,
      noticeMode: spec.noticeMode,
      createdAt: now,
    })
    .returning({ id: messages.id });
  const messageId = message!.id;
  const notify = spec.noticeMode !== "never";
  const inserted = await tx.execute(sql`
    insert into message_recipients (message_id, member_id, tenant_id, delivered_at, notice_id, notices)
    select ${messageId}::uuid, ${users.id}, ${spec.tenantId}::uuid, ${now.toISOString()}::timestamptz,
           ${notify ? nextMailId : sql`null`}, ${notify ? 1 : 0}
      from ${users} where ${spec.where}`);
  const recipients = (inserted as unknown as { count: number }).count;
  if (recipients === 0) {
    throw new UserError(
      "invalid",
      "Nobody would receive this message: the recipients you chose include no enabled member. Nothing was sent.",
    );
  }
  await tx.update(messages).set({ recipientCount: recipients }).where(eq(messages.id, messageId));
  let notices = 0;
  if (notify) {
    const timing = {
      tenantId: spec.tenantId,
      batchId: messageId,
      notBefore: new Date(now.getTime() + NOTICE_DELAY_MS[spec.noticeMode]!),
    };
    // An announcement's mail carries its text (it may be about mail itself); a message's notice
    // only says that a message is waiting, with a link.
    notices =
      spec.kind === "announcement"
        ? await enqueueSelected(
            tx,
            {
              ...timing,
              category: "announcement",
              params: { subject: spec.subject, body: spec.body },
            },
            noticeSource(messageId),
          )
        : await enqueueSelected(
            tx,
            {
              ...timing,
              category: "message_notice",
              params: { messageId, subject: spec.subject },
            },
            noticeSource(messageId),
          );
  }
  return { messageId, recipients, notices };
}

/** The box rows of a message that carry a notice id, with the member's address and name. */
function noticeSource(messageId: string, memberIds?: readonly string[]): SQL {
  return sql`
    select r.notice_id as id, r.member_id, u.email as to_address, u.name as member_name
      from message_recipients r join users u on u.id = r.member_id
     where r.message_id = ${messageId}::uuid and r.notice_id is not null
       ${memberIds ? sql`and ${inList(sql.raw("r.member_id"), memberIds, "uuid")}` : sql``}`;
}

export { noticeSource };

/** An admin's message to the members the audience names. */
export async function postMessage(ctx: TenantActor, input: PostInput): Promise<Posted> {
  const content = checkContent(input);
  return db.transaction(async (tx) => {
    await checkSelection(tx, ctx.tenant.id, input.audience);
    const posted = await postInTx(tx, {
      tenantId: ctx.tenant.id,
      authorId: ctx.actor.userId,
      kind: "message",
      ...content,
      noticeMode: input.noticeMode,
      where: audienceWhere(ctx.tenant.id, input.audience, ctx.actor.userId),
    });
    await tx.insert(auditLog).values({
      tenantId: ctx.tenant.id,
      actorId: ctx.actor.userId,
      action: "message.posted",
      subjectId: posted.messageId,
      detail: {
        subject: content.subject,
        audience: input.audience.kind,
        recipients: posted.recipients,
        notices: posted.notices,
        noticeMode: input.noticeMode,
      },
    });
    return posted;
  });
}
