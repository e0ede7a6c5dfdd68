/**
 * The lockout policy, pure so it can be tested exhaustively. An attempt is refused while the most
 * recent failure completed a run of `maxFailures` failures within `windowMs`; the lock lasts
 * `windowMs` from that failure. Refused attempts are not recorded, so they do not extend it.
 */
export type AttemptRecord = { at: Date; succeeded: boolean };

export type LockoutPolicy = {
  maxFailures: number;
  windowMs: number;
  /** Per login ID a success clears earlier failures; per IP it must not (an attacker could interleave their own account). */
  resetOnSuccess: boolean;
};

/** `attempts` newest first; returns when the lock ends, or null when not locked. */
export function lockedUntil(
  attempts: readonly AttemptRecord[],
  now: Date,
  policy: LockoutPolicy,
): Date | null {
  const lastSuccess = policy.resetOnSuccess
    ? (attempts.find((a) => a.succeeded)?.at.getTime() ?? -Infinity)
    : -Infinity;
  const failures = attempts
    .filter((a) => !a.succeeded && a.at.getTime() > lastSuccess)
    .map((a) => a.at.getTime())
    .sort((x, y) => y - x);
  const latest = failures[0];
  if (latest === undefined || latest + policy.windowMs <= now.getTime()) return null;
  const inRun = failures.filter((t) => t > latest - policy.windowMs).length;
  return inRun >= policy.maxFailures ? new Date(latest + policy.windowMs) : null;
}

export function minutesUntil(until: Date, now: Date): number {
  return Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 60_000));
}
