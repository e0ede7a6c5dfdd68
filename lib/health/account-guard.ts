/**
 * The account guard: our own thresholds, well below SES's review (5% bounces, 0.1% complaints)
 * and pause (10%, 0.5%) levels, so we act long before SES does.
 */
export type GuardThresholds = {
  bounceWarn: number;
  bounceStopAbove: number;
  bounceStopAll: number;
  complaintWarn: number;
  complaintStop: number;
};

export const DEFAULT_THRESHOLDS: GuardThresholds = {
  bounceWarn: 0.02,
  bounceStopAbove: 0.03,
  bounceStopAll: 0.04,
  complaintWarn: 0.0005,
  complaintStop: 0.0008,
};

export type SendCounts = { sends: number; hardBounces: number; complaints: number };

/** ok < warn < stop_bulk_above (bulk stops for tenants worse than the account) < stop_all_bulk. */
export type GuardLevel = "ok" | "warn" | "stop_bulk_above" | "stop_all_bulk";

export type GuardVerdict = {
  level: GuardLevel;
  bounceRate: number;
  complaintRate: number;
  reason: string | null;
};

const LEVELS: GuardLevel[] = ["ok", "warn", "stop_bulk_above", "stop_all_bulk"];
const rate = (n: number, of: number) => (of > 0 ? n / of : 0);

/** SES judges the account over its representative volume; we use the last 10,000 sends like it. */
export const REPRESENTATIVE_SENDS = 10_000;

/** Below this many sends a rate means little (SES also judges a representative volume). */
export const MIN_JUDGED_VOLUME = 1_000;
const pct = (r: number, digits = 2) => `${(r * 100).toFixed(digits)}%`;

function judge(
  counts: SendCounts,
  t: GuardThresholds,
  label: string,
  minVolume: number,
): GuardVerdict {
  // A young account's first bounce is not a 4% rate: small volumes are judged as if at the minimum.
  const volume = Math.max(counts.sends, minVolume);
  const bounceRate = rate(counts.hardBounces, volume);
  const complaintRate = rate(counts.complaints, volume);
  let level: GuardLevel = "ok";
  let reason: string | null = null;
  const raise = (to: GuardLevel, why: string) => {
    if (LEVELS.indexOf(to) > LEVELS.indexOf(level)) {
      level = to;
      reason = why;
    }
  };
  if (bounceRate >= t.bounceWarn) raise("warn", `Bounce rate ${pct(bounceRate)} ${label}.`);
  if (bounceRate >= t.bounceStopAbove)
    raise("stop_bulk_above", `Bounce rate ${pct(bounceRate)} ${label}.`);
  if (bounceRate >= t.bounceStopAll)
    raise("stop_all_bulk", `Bounce rate ${pct(bounceRate)} ${label}.`);
  if (complaintRate >= t.complaintWarn)
    raise("warn", `Complaint rate ${pct(complaintRate, 3)} ${label}.`);
  if (complaintRate >= t.complaintStop)
    raise("stop_all_bulk", `Complaint rate ${pct(complaintRate, 3)} ${label}.`);
  return { level, bounceRate, complaintRate, reason };
}

/** The worse of the representative volume (last 10,000 sends, as SES measures) and the last 24 hours. */
export function accountGuard(
  representative: SendCounts,
  lastDay: SendCounts,
  thresholds: GuardThresholds = DEFAULT_THRESHOLDS,
  minVolume: number = MIN_JUDGED_VOLUME,
): GuardVerdict {
  const a = judge(representative, thresholds, "over the last sends", minVolume);
  const b = judge(lastDay, thresholds, "over the last 24 hours", minVolume);
  const worse = LEVELS.indexOf(b.level) > LEVELS.indexOf(a.level) ? b : a;
  return { ...worse, bounceRate: a.bounceRate, complaintRate: a.complaintRate };
}

/**
 * The account's bounce budget B: unconfirmed bulk mail that may be in flight at once, so that even if
 * all of it bounced the account stays under the bulk-stop threshold.
 */
export function bounceBudget(
  accountBounceRate: number,
  representativeVolume: number,
  thresholds: GuardThresholds = DEFAULT_THRESHOLDS,
): number {
  // The epsilon keeps float error from costing a whole mail: (0.03 - 0.005) * 10_000 is 249.999….
  const budget = (thresholds.bounceStopAbove - accountBounceRate) * representativeVolume;
  return Math.max(0, Math.floor(budget + 1e-9));
}
