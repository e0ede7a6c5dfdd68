import { sql } from "drizzle-orm";
import { defaultDomainChecker } from "@/lib/address/domain-verdict";
import { domainOf } from "@/lib/address/normalise";
import { accountCounts, type AccountCounts } from "@/lib/health/rates";
import { addToRollup } from "@/lib/health/rollup";
import { loadAccount, refreshAccount, returnTokens } from "../account";
import { decideAll, GUARD_LOCK, type Decision } from "../guard";
import {
  blockMails,
  claimDue,
  expireLate,
  holdMails,
  releaseExpiredLeases,
  reserveWindow,
  type ClaimedMail,
} from "../outbox";
import { withDefaults, type DispatcherOptions } from "./options";
import { recordOutcomes, sendAll } from "./send";
import { loadSnapshot } from "./snapshot";

export type BatchResult = {
  claimed: number;
  sent: number;
  held: number;
  blocked: number;
  failed: number;
  retried: number;
  paused: boolean;
};

export const emptyBatchResult = (): BatchResult => ({
  claimed: 0,
  sent: 0,
  held: 0,
  blocked: 0,
  failed: 0,
  retried: 0,
  paused: false,
});

/** One pass: claim due mail, ask the guard, send what it allows, record every result. */
export async function dispatchOnce(
  given: DispatcherOptions,
  counts?: AccountCounts,
): Promise<BatchResult> {
  const options = withDefaults(given);
  const db = options.db;
  // Before anything else: a code or reset past its validity is expired even while nothing can be sent.
  await expireLate(db);
  const account = await loadAccount(db);
  // Until SES has answered GetAccount once, we do not know we may send: mail waits, it does not fail.
  if (!account.checkedAt) return emptyBatchResult();

  await releaseExpiredLeases(db);
  const claimedAt = Date.now();
  const mails = await claimDue(db, options.batchSize, options.leaseMs);
  if (mails.length === 0) return emptyBatchResult();

  // DNS first, outside the lock: a slow resolver must not stall other dispatchers.
  const domains = options.domains ?? defaultDomainChecker();
  const verdicts = await domains.verdicts(
    new Set(mails.flatMap((m) => (m.toAddress?.includes("@") ? [domainOf(m.toAddress)] : []))),
  );
  const accountNow = counts ?? (await accountCounts(db));

  // Deciding and reserving window room is serialised across every dispatcher (one advisory lock):
  // two processes must never both see the same free slot. Sending happens after, in parallel.
  const result: BatchResult = { ...emptyBatchResult(), claimed: mails.length };
  const { toSend, snapshot } = await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${GUARD_LOCK})`);
    const snapshot = await loadSnapshot(tx, mails, options, accountNow, verdicts);
    const decisions = decideAll(
      mails.map((m) => ({ tenantId: m.tenantId, lane: m.lane, toAddress: m.toAddress })),
      snapshot.guard,
    );
    const toSend: { mail: ClaimedMail; decision: Extract<Decision, { kind: "send" }> }[] = [];
    const holds: { id: number; reason: string; until: Date }[] = [];
    const blocks: { id: number; reason: string }[] = [];
    decisions.forEach((decision, i) => {
      const mail = mails[i]!;
      if (decision.kind === "send") toSend.push({ mail, decision });
      else if (decision.kind === "hold")
        holds.push({ id: mail.id, reason: decision.reason, until: decision.until });
      else blocks.push({ id: mail.id, reason: decision.reason });
    });
    await returnTokens(tx, snapshot.grantedTokens - toSend.length);
    await holdMails(tx, holds);
    await blockMails(tx, blocks);
    result.held += holds.length;
    result.blocked += blocks.length;
    await reserveWindow(
      tx,
      toSend.filter((s) => s.decision.unconfirmed).map((s) => s.mail.id),
      options.confirmAfterMs,
    );
    return { toSend, snapshot };
  });

  const { outcomes, paused } = await sendAll(
    toSend.map((s) => s.mail),
    snapshot,
    options,
    claimedAt + options.leaseMs / 2,
  );
  await recordOutcomes(db, outcomes);
  const byId = new Map(mails.map((m) => [m.id, m]));
  await addToRollup(
    db,
    outcomes.flatMap((o) => {
      const mail = byId.get(o.id)!;
      return o.kind === "sent"
        ? [
            {
              at: new Date(),
              tenantId: mail.tenantId,
              category: mail.category,
              column: "sends" as const,
            },
          ]
        : [];
    }),
  );
  for (const o of outcomes) {
    if (o.kind === "sent") result.sent++;
    else if (o.kind === "retry") result.retried++;
    else if (o.kind === "failed") result.failed++;
    else result.held++;
  }
  result.paused = paused;
  if (paused) await refreshAccount(db, options.transport);
  return result;
}
