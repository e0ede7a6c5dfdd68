import { sql } from "drizzle-orm";
import { db } from "@/db/client";
import { auditLog } from "@/db/schema";
import { inList } from "@/db/in-list";
import type { TenantActor } from "@/lib/auth/actor";
import { UserError } from "@/lib/errors";
import { cancelMails, enqueueSelected, nextMailId } from "@/lib/mail/outbox";
import { sendStateOf } from "@/lib/health/views";
import type { SendState } from "@/lib/health/state";
import { noticeSource } from "./post";

/** A notice in these states did not reach its reader: re-notify sends a new one. */
export const RENOTIFY_STATUSES = ["bounced", "blocked", "failed", "held"] as const;

export type Renotified = {
  queued: number;
  /** Set when bulk mail is paused or limited for the tenant: the new notices wait behind it. */
  behind: SendState | null;
  message: string;
};

/**
 * Sends a new notice to the recipients of a message who have not read it and whose notice bounced,
 * was blocked, failed or is held (a held one is replaced). Everyone else is left alone: nobody gets
 * a second notice of a message they were told of. Optionally only for some members (the ledger).
 */
export async function renotify(
  ctx: TenantActor,
  messageId: string,
  options: { memberIds?: readonly string[] } = {},
): Promise<Renotified> {
  if (!/^[0-9a-f-]{36}$/i.test(messageId)) throw notFound();
  const tenantId = ctx.tenant.id;
  const queued = await db.transaction(async (tx) => {
    const [message] = await tx.execute<{ subject: string }>(sql`
      select subject from messages where id = ${messageId}::uuid and tenant_id = ${tenantId}
      for update`);
    if (!message) throw notFound();
    const moved = await tx.execute<{ memberId: string; oldId: number; status: string }>(sql`
      with target as (
        select r.member_id, r.notice_id as old_id, o.status
          from message_recipients r join outbound_emails o on o.id = r.notice_id
         where r.message_id = ${messageId}::uuid and r.tenant_id = ${tenantId} and r.read_at is null
           and ${inList(sql.raw("o.status"), RENOTIFY_STATUSES, "mail_status")}
           ${options.memberIds ? sql`and ${inList(sql.raw("r.member_id"), options.memberIds, "uuid")}` : sql``}
      )
      update message_recipients r
         set notice_id = ${nextMailId}, notices = r.notices + 1
        from target t
       where r.message_id = ${messageId}::uuid and r.member_id = t.member_id
      returning r.member_id as "memberId", t.old_id as "oldId", t.status`);
    if (moved.length === 0) return 0;
    await cancelMails(
      tx,
      { tenantId, ids: moved.filter((m) => m.status === "held").map((m) => Number(m.oldId)) },
      "superseded",
    );
    const notices = await enqueueSelected(
      tx,
      {
        tenantId,
        category: "message_notice",
        params: { messageId, subject: message.subject },
      },
      noticeSource(
        messageId,
        moved.map((m) => m.memberId),
      ),
    );
    // From the message's page; the ledger's remedy records its own entry for its rows.
    if (!options.memberIds) {
      await tx.insert(auditLog).values({
        tenantId,
        actorId: ctx.actor.userId,
        action: "message.renotified",
        subjectId: messageId,
        detail: { subject: message.subject, notices },
      });
    }
    return notices;
  });
  const state = await sendStateOf(tenantId);
  const behind = state.kind === "paused" || state.kind === "limited" ? state : null;
  const n = `${queued} new notice${queued === 1 ? "" : "s"}`;
  let message: string;
  if (queued === 0) {
    message =
      "Nobody needed a new notice: every recipient has read the message, or their notice is on its way or arrived.";
  } else if (behind?.kind === "paused") {
    message = `${n} queued, but they wait: ${state.title.toLowerCase()}. They go out when sending resumes. ${state.nextStep}`;
  } else if (behind) {
    message = `${n} queued; sending is limited now (${state.title.toLowerCase()}), so they may take a while.`;
  } else {
    message = `${n} queued; they go out now.`;
  }
  return { queued, behind, message };
}

const notFound = () =>
  new UserError("not_found", "This message does not exist, or it is not your organisation's.");
