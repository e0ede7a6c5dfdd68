/**
 * Rates as a person should read them: against their lines, and never judged on too few mails (a
 * rate over 3 mails is "too few to judge", not a green badge over a bad number).
 */
import { DEFAULT_THRESHOLDS, MIN_JUDGED_VOLUME } from "./account-guard";
import { WINDOW_POLICY } from "./window";

export type Lines = { warn: number; stop: number; minVolume: number };
export type RateLevel = "too_few" | "ok" | "warn" | "stop";
export type JudgedRate = { count: number; volume: number; rate: number | null; level: RateLevel };

/** SES's own lines for the account: under review at 5% / 0.1%, sending may be paused at 10% / 0.5%. */
export const SES_LINES = {
  bounce: { review: 0.05, pause: 0.1 },
  complaint: { review: 0.001, pause: 0.005 },
} as const;

/** A tenant's lines: its breaker trips at 5% over at least 20 resolved bulk mails. */
export const TENANT_LINES = {
  bounce: {
    warn: DEFAULT_THRESHOLDS.bounceWarn,
    stop: WINDOW_POLICY.tripRate,
    minVolume: WINDOW_POLICY.minResolved,
  },
  complaint: {
    warn: DEFAULT_THRESHOLDS.complaintWarn,
    stop: DEFAULT_THRESHOLDS.complaintStop,
    minVolume: WINDOW_POLICY.minResolved,
  },
} as const satisfies Record<string, Lines>;

/** The account's lines: the guard's own, judged over at least 1,000 sends as it is. */
export const ACCOUNT_LINES = {
  bounce: {
    warn: DEFAULT_THRESHOLDS.bounceWarn,
    stop: DEFAULT_THRESHOLDS.bounceStopAbove,
    minVolume: MIN_JUDGED_VOLUME,
  },
  complaint: {
    warn: DEFAULT_THRESHOLDS.complaintWarn,
    stop: DEFAULT_THRESHOLDS.complaintStop,
    minVolume: MIN_JUDGED_VOLUME,
  },
} as const satisfies Record<string, Lines>;

export function judgeRate(count: number, volume: number, lines: Lines): JudgedRate {
  const rate = volume > 0 ? count / volume : null;
  if (volume < lines.minVolume || rate === null) return { count, volume, rate, level: "too_few" };
  const level: RateLevel = rate >= lines.stop ? "stop" : rate >= lines.warn ? "warn" : "ok";
  return { count, volume, rate, level };
}

export const percent = (rate: number | null, digits = 1) =>
  rate === null ? "–" : `${(rate * 100).toFixed(digits)}%`;
