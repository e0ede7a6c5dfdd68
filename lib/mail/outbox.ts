import { randomUUID } from "node:crypto";
import type { Executor } from "@/db/client";
import { outboundEmails, type MailCategory } from "@/db/schema";
import { normaliseAddress } from "@/lib/address/normalise";
import { laneOf, validateParams } from "./templates";

export type MailToQueue = {
  tenantId: string;
  memberId?: string | null;
  category: MailCategory;
  /** Raw as stored on the member; null when they have none (the guard blocks it as `no_address`). */
  to: string | null;
  params: unknown;
  batchId?: string;
};

/** The outbox row for a mail (parameters validated); for callers that COPY many at once. */
export function outboxRow(mail: MailToQueue) {
  const params = validateParams(mail.category, mail.params) as Record<string, unknown>;
  // An unusable address is kept as given, so the guard can block it with its reason.
  const to = mail.to?.trim() ? (normaliseAddress(mail.to) ?? mail.to.trim()) : null;
  return {
    tenantId: mail.tenantId,
    memberId: mail.memberId ?? null,
    category: mail.category,
    lane: laneOf(mail.category),
    toAddress: to,
    template: mail.category,
    params,
    batchId: mail.batchId ?? null,
  };
}

/**
 * Queues one mail inside the caller's transaction, so the mail exists exactly when the change that
 * caused it does. Bad template parameters throw here and roll the caller back.
 */
export async function enqueue(tx: Executor, mail: MailToQueue): Promise<{ id: number }> {
  const [inserted] = await tx
    .insert(outboundEmails)
    .values(outboxRow(mail))
    .returning({ id: outboundEmails.id });
  return inserted!;
}

/** Queues many mails as one batch (a bulk registration's invitations), in chunks. */
export async function enqueueBatch(
  tx: Executor,
  mails: readonly Omit<MailToQueue, "batchId">[],
  batchId: string = randomUUID(),
): Promise<{ batchId: string; count: number }> {
  const rows = mails.map((m) => outboxRow({ ...m, batchId }));
  for (let i = 0; i < rows.length; i += 2_000) {
    await tx.insert(outboundEmails).values(rows.slice(i, i + 2_000));
  }
  return { batchId, count: rows.length };
}
