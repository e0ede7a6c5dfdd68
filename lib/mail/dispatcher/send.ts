import type { Database } from "@/db/client";
import { Semaphore } from "@/lib/semaphore";
import { pauseAccount } from "../account";
import {
  failMails,
  holdForAccountPause,
  recordSent,
  retryLater,
  type ClaimedMail,
} from "../outbox";
import { renderMail } from "../templates";
import { classifySendError } from "../transport";
import type { ResolvedOptions } from "./options";
import type { Snapshot } from "./snapshot";

export type SendOutcome =
  | { id: number; kind: "sent"; messageId: string }
  | { id: number; kind: "retry"; reason: string; attempts: number }
  | { id: number; kind: "failed"; reason: string }
  | { id: number; kind: "paused"; reason: string };

/** 2 s, 4 s, 8 s … capped at 10 minutes, with jitter so retries of a batch spread out. */
export function backoffMs(attempts: number): number {
  const base = Math.min(600_000, 1_000 * 2 ** Math.max(1, attempts));
  return Math.round(base * (0.75 + Math.random() * 0.5));
}

/**
 * Sends what the guard allowed, at most `concurrency` at once (the limiter may be shared with the
 * process's other pipelines). Once SES says the account is paused, nothing more is tried; once SES
 * does not answer at all, the rest of the batch waits for the backoff untried (a batch of timeouts
 * would otherwise outlast its lease, and another dispatcher would take the same mail).
 */
export async function sendAll(
  mails: readonly ClaimedMail[],
  snapshot: Snapshot,
  options: ResolvedOptions,
  /**
   * No send starts after this (epoch ms): half the batch's lease, so a send started in time ends
   * (SES_TIMEOUT_MS) before the lease does and no other dispatcher takes the same mail meanwhile.
   */
  startBy = Number.POSITIVE_INFINITY,
): Promise<{ outcomes: SendOutcome[]; paused: boolean }> {
  const outcomes: SendOutcome[] = [];
  let paused = false;
  let unanswered: string | null = null;
  const limiter = options.limiter ?? new Semaphore(options.concurrency);

  async function sendOne(mail: ClaimedMail) {
    if (paused) {
      outcomes.push({ id: mail.id, kind: "paused", reason: "account_paused" });
      return;
    }
    if (unanswered) {
      outcomes.push({ id: mail.id, kind: "retry", reason: unanswered, attempts: mail.attempts });
      return;
    }
    if (Date.now() > startBy) {
      outcomes.push({
        id: mail.id,
        kind: "retry",
        reason: "not tried: SES was too slow to send the whole batch within its lease",
        attempts: mail.attempts,
      });
      return;
    }
    const tenant = mail.tenantId ? snapshot.tenants.get(mail.tenantId) : undefined;
    try {
      const rendered = renderMail(mail.category, mail.params, {
        tenantName: tenant?.name ?? "",
        tenantSlug: tenant?.slug ?? "",
        publicUrl: options.publicUrl,
      });
      const { messageId } = await options.transport.send({
        to: mail.toAddress!,
        ...rendered,
        lane: mail.lane,
        tags: {
          tenant: mail.tenantId ?? "platform",
          category: mail.category,
          outbox: String(mail.id),
        },
        tenantName: options.sesTenants ? tenant?.slug : undefined,
      });
      outcomes.push({ id: mail.id, kind: "sent", messageId });
    } catch (error) {
      const failure = classifySendError(error);
      if (failure.kind === "pause") {
        paused = true;
        outcomes.push({ id: mail.id, kind: "paused", reason: "account_paused" });
        await pauseAccount(options.db, failure.reason);
        options.log?.(
          `SES paused sending (${failure.reason}); holding all mail until GetAccount says otherwise.`,
        );
      } else if (failure.kind === "retry" && mail.attempts + 1 < options.maxAttempts) {
        if (failure.unanswered) unanswered ??= `not tried: SES did not answer (${failure.reason})`;
        outcomes.push({
          id: mail.id,
          kind: "retry",
          reason: failure.reason,
          attempts: mail.attempts + 1,
        });
      } else {
        outcomes.push({ id: mail.id, kind: "failed", reason: failure.reason });
      }
    }
  }

  await Promise.all(
    mails.map(async (mail) => {
      await limiter.acquire();
      try {
        await sendOne(mail);
      } finally {
        limiter.release();
      }
    }),
  );
  return { outcomes, paused };
}

/** Records every outcome of a batch through the outbox's transitions. */
export async function recordOutcomes(
  db: Database,
  outcomes: readonly SendOutcome[],
): Promise<void> {
  const of = <K extends SendOutcome["kind"]>(kind: K) =>
    outcomes.filter((o): o is Extract<SendOutcome, { kind: K }> => o.kind === kind);
  await recordSent(db, of("sent"));
  await retryLater(
    db,
    of("retry").map((r) => ({ ...r, delayMs: backoffMs(r.attempts) })),
  );
  await failMails(db, of("failed"));
  await holdForAccountPause(
    db,
    of("paused").map((o) => o.id),
  );
}
