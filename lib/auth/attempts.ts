import { and, desc, eq, gt } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { loginAttempts } from "@/db/schema";
import { env } from "@/lib/env";
import { lockedUntil } from "./lockout";

/**
 * When the lock on one key (a login ID, an activation, a reset request) ends, or null. The attempts
 * are those stored in `login_attempts`; `everyAttemptCounts` treats successes as failures too (for
 * requests whose flood is the abuse, like password-reset mails).
 */
export async function keyLockedUntil(
  db: Executor,
  key: string,
  now: Date,
  options: { everyAttemptCounts?: boolean } = {},
): Promise<Date | null> {
  const config = env();
  const windowMs = config.LOGIN_LOCK_MINUTES * 60_000;
  const attempts = await db
    .select({ at: loginAttempts.createdAt, succeeded: loginAttempts.succeeded })
    .from(loginAttempts)
    .where(
      and(
        eq(loginAttempts.loginKey, key),
        gt(loginAttempts.createdAt, new Date(now.getTime() - 2 * windowMs)),
      ),
    )
    .orderBy(desc(loginAttempts.createdAt))
    .limit(500);
  const records = options.everyAttemptCounts
    ? attempts.map((a) => ({ at: a.at, succeeded: false }))
    : attempts;
  return lockedUntil(records, now, {
    maxFailures: config.LOGIN_MAX_FAILURES_PER_ID,
    windowMs,
    resetOnSuccess: !options.everyAttemptCounts,
  });
}
