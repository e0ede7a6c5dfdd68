/** The remedies for message notices and login codes that did not arrive. */
import { db } from "@/db/client";
import { auditLog } from "@/db/schema";
import type { TenantActor } from "@/lib/auth/actor";
import { issueBypassCode } from "@/lib/auth/login-codes";
import { UserError } from "@/lib/errors";
import { announceSendingRestored } from "@/lib/messages/announcements";
import { renotify } from "@/lib/messages/renotify";
import { latestPause } from "../period";
import {
  PASSWORD_LIMIT,
  type RemedyAnswer,
  checkSelection,
  onOpenRows,
  pauseInFront,
  plural,
  sentence,
  issueToEach,
} from "./common";

/**
 * Message notices that did not arrive: a new notice to each selected member who has not read the
 * message yet (the messages' own re-notify, which never tells anyone twice).
 */
export async function renotifyRows(
  ctx: TenantActor,
  ids: readonly number[],
): Promise<RemedyAnswer> {
  checkSelection(ids);
  const out = await onOpenRows(ctx, ids, ["message_notice"], async (_tx, rows) => rows);
  const byMessage = new Map<string, string[]>();
  for (const r of out.acted) {
    byMessage.set(r.subjectKey, [...(byMessage.get(r.subjectKey) ?? []), r.memberId]);
  }
  let done = 0;
  let unfit = out.unfit;
  for (const [messageId, memberIds] of byMessage) {
    try {
      const answer = await renotify(ctx, messageId, { memberIds });
      done += answer.queued;
      unfit += memberIds.length - answer.queued;
    } catch (error) {
      // A notice of a message since deleted: nothing to notify of.
      if (error instanceof UserError && error.code === "not_found") unfit += memberIds.length;
      else throw error;
    }
  }
  if (done > 0) {
    await db.insert(auditLog).values({
      tenantId: ctx.tenant.id,
      actorId: ctx.actor.userId,
      action: "unsent.renotified",
      detail: { mailIds: out.acted.map((r) => r.mailId), queued: done },
    });
  }
  const answer = {
    done,
    skipped: out.skipped,
    unfit,
    behindPause: done ? await pauseInFront(ctx.tenant.id, "bulk") : null,
  };
  return {
    ...answer,
    message: sentence(
      "New notices queued",
      answer,
      "not a message notice, the message is gone, or their notice is already on its way.",
    ),
  };
}

/**
 * For login codes that could not be sent: the ready "sending has been restored" announcement in
 * every member's message box (in-app only: it does not depend on mail). Audited by the messages.
 */
export async function announceRestored(
  ctx: TenantActor,
): Promise<{ recipients: number; message: string }> {
  const pause = await latestPause();
  const posted = await announceSendingRestored(ctx.tenant.id, {
    actorId: ctx.actor.userId,
    email: false,
    pausedSince: pause?.startedAt ?? null,
  });
  const recipients = posted?.recipients ?? 0;
  return {
    recipients,
    message: recipients
      ? `"Sending has been restored" is in the message box of ${plural(recipients, "member", "members")}: it tells them to ask for a new login code or reset link.`
      : "Nobody to tell: your organisation has no enabled member.",
  };
}

export type IssuedBypass = { loginId: string; name: string; code: string };

/** Login codes that could not reach members: a one-time bypass code each (24 hours), shown once. */
export async function issueBypassCodes(
  ctx: TenantActor,
  ids: readonly number[],
): Promise<RemedyAnswer & { codes: IssuedBypass[] }> {
  checkSelection(ids, PASSWORD_LIMIT);
  const { issued, ...answer } = await issueToEach(ctx, ids, {
    unsentCase: "login_code",
    eligible: (r) => r.memberStatus === "active",
    issue: async (_tx, r): Promise<IssuedBypass> => {
      // The login codes' own issue (audited there); earlier unused bypass codes stop working.
      const issued = await issueBypassCode(ctx, r.memberId);
      return { loginId: r.loginId, name: r.name, code: issued.code };
    },
    kind: "bypass_code",
    verb: "Bypass codes issued (shown once; each works once, for 24 hours)",
    unfitWhy: "not a login code, or the member is not active.",
  });
  return { ...answer, codes: issued };
}
