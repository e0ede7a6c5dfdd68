import { db } from "@/db/client";
import { loadAccount } from "@/lib/mail/account";
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
    guard: {
      level: account.guardLevel,
      reason: account.guardReason,
      since: account.guardChangedAt,
    },
    rates,
  };
}
