import { and, eq, type SQL } from "drizzle-orm";
import { inList } from "@/db/in-list";
import type { Executor } from "@/db/client";
import { outboundEmails, type MailCategory } from "@/db/schema";
import { CANCELS, type CancelReason } from "./states";

/** Cancels a tenant's mails that `which` selects, touching only the states the reason allows. */
async function cancelWhere(
  tx: Executor,
  tenantId: string,
  which: SQL | undefined,
  reason: CancelReason,
): Promise<number> {
  const cancelled = await tx
    .update(outboundEmails)
    .set({ status: "cancelled", reason, updatedAt: new Date() })
    .where(
      and(
        eq(outboundEmails.tenantId, tenantId),
        which,
        inList(outboundEmails.status, CANCELS[reason], "mail_status"),
      ),
    )
    .returning({ id: outboundEmails.id });
  return cancelled.length;
}

/**
 * Cancels a tenant's unsent mail to the given members (of one category, or all), touching only the
 * states the reason allows (see CANCELS). Returns how many were cancelled.
 */
export async function cancelPending(
  tx: Executor,
  target: { tenantId: string; memberIds: readonly string[]; category?: MailCategory },
  reason: CancelReason,
): Promise<number> {
  if (target.memberIds.length === 0) return 0;
  return cancelWhere(
    tx,
    target.tenantId,
    and(
      inList(outboundEmails.memberId, target.memberIds, "uuid"),
      target.category ? eq(outboundEmails.category, target.category) : undefined,
    ),
    reason,
  );
}

/** Cancels the given mails of a tenant (a message's notices), in the states the reason allows. */
export async function cancelMails(
  tx: Executor,
  target: { tenantId: string; ids: readonly number[] },
  reason: CancelReason,
): Promise<number> {
  if (target.ids.length === 0) return 0;
  return cancelWhere(tx, target.tenantId, inList(outboundEmails.id, target.ids, "bigint"), reason);
}
