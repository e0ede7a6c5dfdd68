/** The ledger's period: all of it, since SES's latest pause began, the last days, or since a date. */
import { db } from "@/db/client";
import { loadAccount } from "@/lib/mail/account";

export type PeriodChoice = "all" | "pause" | "1d" | "7d" | "30d" | `${number}-${number}-${number}`;

export type Period = {
  choice: PeriodChoice;
  /** Mail last tried at or after this; null for all of it. */
  since: Date | null;
  /** In words: "since the pause of 1 Dec 2026, 14:03 UTC". */
  label: string;
};

export type PauseInfo = { startedAt: Date; endedAt: Date | null } | null;

/** SES's latest pause of the account, as the dispatcher recorded it. */
export async function latestPause(): Promise<PauseInfo> {
  const account = await loadAccount(db);
  return account.lastPauseStartedAt
    ? { startedAt: account.lastPauseStartedAt, endedAt: account.lastPauseEndedAt }
    : null;
}

export const utcStamp = (d: Date) => `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;

const DAYS: Record<string, number> = { "1d": 1, "7d": 7, "30d": 30 };

/**
 * The period a URL asks for. Without one: since the latest pause when there was one in the last 30
 * days (what an admin opens the ledger for after an incident), otherwise all of it.
 */
export function periodOf(raw: string | undefined, pause: PauseInfo, now = new Date()): Period {
  const recentPause =
    pause && now.getTime() - pause.startedAt.getTime() < 30 * 86_400_000 ? pause : null;
  const choice = raw ?? (recentPause ? "pause" : "all");
  if (choice === "pause" && pause) {
    return {
      choice: "pause",
      since: pause.startedAt,
      label: `since the pause of ${utcStamp(pause.startedAt)}`,
    };
  }
  if (DAYS[choice]) {
    const days = DAYS[choice];
    return {
      choice: choice as PeriodChoice,
      since: new Date(now.getTime() - days * 86_400_000),
      label: days === 1 ? "in the last 24 hours" : `in the last ${days} days`,
    };
  }
  const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(choice);
  if (date) {
    const since = new Date(`${choice}T00:00:00Z`);
    if (!Number.isNaN(since.getTime()) && since.toISOString().startsWith(choice)) {
      return { choice: choice as PeriodChoice, since, label: `since ${choice} (UTC)` };
    }
  }
  return { choice: "all", since: null, label: "at any time" };
}
