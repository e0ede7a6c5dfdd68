import { db } from "@/db/client";
import { loadAccount } from "@/lib/mail/account";
import { env, guardThresholds } from "@/lib/env";
import { accountGuard } from "./account-guard";
import { accountRates } from "./views";

/** The SES account as the operators see it: what SES said last, the stop switch, the guard. */
export async function accountView() {
  const [account, rates] = await Promise.all([loadAccount(db), accountRates()]);
  const now = Date.now();
  return {
    ses: {
      sendingEnabled: account.sendingEnabled,
      enforcementStatus: account.enforcementStatus,
      maxSendRate: account.maxSendRate,
      max24HourSend: account.max24HourSend,
      sentLast24Hours: account.sentLast24Hours,
      checkedAt: account.checkedAt,
      checkError: account.checkError,
      paused: account.pausedUntil !== null && account.pausedUntil.getTime() > now,
    },
    bulkStop: account.bulkStoppedAt
      ? { at: account.bulkStoppedAt, by: account.bulkStoppedBy, reason: account.bulkStoppedReason }
      : null,
    // The guard's verdict now, from the same counts and settings the dispatcher uses: the stored
    // level is written only while mail is being decided, and goes stale when the queue is empty.
    guard: (() => {
      const verdict = accountGuard(
        rates.counts.representative,
        rates.counts.lastDay,
        guardThresholds(),
        env().MAIL_MIN_VOLUME,
      );
      return {
        level: verdict.level,
        reason: verdict.reason,
        since: verdict.level === account.guardLevel ? account.guardChangedAt : null,
      };
    })(),
    rates,
  };
}
