import { and, desc, eq, gt, isNull, sql } from "drizzle-orm";
import { db, type Executor } from "@/db/client";
import { loginAttempts, tenants, userSessions, users, type User } from "@/db/schema";
import { env } from "@/lib/env";
import { keyLockedUntil } from "./attempts";
import { codeRequired, startChallenge, verifyCode } from "./login-codes";
import { lockedUntil, minutesUntil, type AttemptRecord } from "./lockout";
import { normaliseLoginId } from "./login-id";
import { MAX_PASSWORD_LENGTH, verifyPassword } from "./password";

export type LoginScope = { kind: "operator" } | { kind: "tenant"; tenantId: string };

export type SessionClaim = {
  sid: string;
  uid: string;
  role: User["role"];
  tid: string | null;
  sv: number;
};

export type LoginOutcome =
  | { ok: true; claim: SessionClaim; name: string }
  | { ok: false; reason: "invalid" | "disabled" }
  /** The password was right; the tenant asks for a code too: the pending sign-in's id. */
  | { ok: false; reason: "code_required"; challengeId: string }
  | { ok: false; reason: "locked"; retryAfterMinutes: number };

function loginKey(scope: LoginScope, loginId: string): string {
  return `${scope.kind === "operator" ? "ops" : scope.tenantId}:${normaliseLoginId(loginId)}`;
}

/**
 * Checks a login ID and password under the lockout policy and, on success, opens a session.
 * Attempts for one login key are serialised with an advisory lock so parallel guesses cannot
 * slip past the limit.
 */
export async function attemptLogin(input: {
  scope: LoginScope;
  loginId: string;
  password: string;
  ip: string;
  now?: Date;
}): Promise<LoginOutcome> {
  const config = env();
  const now = input.now ?? new Date();
  const key = loginKey(input.scope, input.loginId);
  const windowMs = config.LOGIN_LOCK_MINUTES * 60_000;
  const since = new Date(now.getTime() - 2 * windowMs);

  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`);

    const byIp: AttemptRecord[] = await tx
      .select({ at: loginAttempts.createdAt, succeeded: loginAttempts.succeeded })
      .from(loginAttempts)
      .where(
        and(
          eq(loginAttempts.ip, input.ip),
          eq(loginAttempts.succeeded, false),
          gt(loginAttempts.createdAt, since),
        ),
      )
      .orderBy(desc(loginAttempts.createdAt))
      .limit(5_000);
    const locks = [
      await keyLockedUntil(tx, key, now),
      lockedUntil(byIp, now, {
        maxFailures: config.LOGIN_MAX_FAILURES_PER_IP,
        windowMs,
        resetOnSuccess: false,
      }),
    ].filter((d): d is Date => d !== null);
    if (locks.length > 0) {
      const until = new Date(Math.max(...locks.map((d) => d.getTime())));
      return { ok: false, reason: "locked", retryAfterMinutes: minutesUntil(until, now) };
    }

    const tooLong = input.password.length > MAX_PASSWORD_LENGTH;
    const [user] = await tx
      .select({
        id: users.id,
        role: users.role,
        tenantId: users.tenantId,
        name: users.name,
        status: users.status,
        passwordHash: users.passwordHash,
        sessionVersion: users.sessionVersion,
      })
      .from(users)
      .where(
        and(
          input.scope.kind === "operator"
            ? and(isNull(users.tenantId), eq(users.role, "operator"))
            : eq(users.tenantId, input.scope.tenantId),
          eq(sql`lower(${users.loginId})`, normaliseLoginId(input.loginId)),
        ),
      )
      .limit(1);

    // The same argon2 work whether or not the login ID exists.
    const matches = await verifyPassword(
      tooLong ? null : (user?.passwordHash ?? null),
      tooLong ? "" : input.password,
    );
    await tx
      .insert(loginAttempts)
      .values({ loginKey: key, ip: input.ip, succeeded: matches, createdAt: now });

    if (!user || !matches) return { ok: false, reason: "invalid" };
    // Only someone who knows the password learns that the account is disabled.
    if (user.status !== "active") return { ok: false, reason: "disabled" };

    if (input.scope.kind === "tenant") {
      const [tenant] = await tx
        .select({ settings: tenants.settings })
        .from(tenants)
        .where(eq(tenants.id, input.scope.tenantId));
      if (tenant && codeRequired(tenant.settings, user.role)) {
        const challengeId = await startChallenge(tx, input.scope.tenantId, user.id, now);
        return { ok: false, reason: "code_required", challengeId };
      }
    }
    return openSession(tx, user, now);
  });
}

type SessionUser = Pick<User, "id" | "role" | "tenantId" | "name" | "sessionVersion">;

async function openSession(tx: Executor, user: SessionUser, now: Date): Promise<LoginOutcome> {
  const expiresAt = new Date(now.getTime() + env().SESSION_MAX_AGE_HOURS * 3_600_000);
  const [session] = await tx
    .insert(userSessions)
    .values({ userId: user.id, createdAt: now, expiresAt })
    .returning({ id: userSessions.id });
  await tx.update(users).set({ lastLoginAt: now }).where(eq(users.id, user.id));
  return {
    ok: true,
    name: user.name,
    claim: {
      sid: session!.id,
      uid: user.id,
      role: user.role,
      tid: user.tenantId,
      sv: user.sessionVersion,
    },
  };
}

/**
 * The second step: the code (or a bypass code) for a pending sign-in, then the session. A wrong
 * code counts against the pending sign-in's tries; its message says how many are left.
 */
export async function completeLoginWithCode(input: {
  tenantId: string;
  challengeId: string;
  code: string;
  now?: Date;
}): Promise<LoginOutcome | { ok: false; reason: "code"; message: string }> {
  const now = input.now ?? new Date();
  return db.transaction(async (tx) => {
    const verdict = await verifyCode(tx, input.tenantId, input.challengeId, input.code, now);
    if (!verdict.ok) return { ok: false, reason: "code", message: verdict.message };
    const [user] = await tx
      .select({
        id: users.id,
        role: users.role,
        tenantId: users.tenantId,
        name: users.name,
        sessionVersion: users.sessionVersion,
        status: users.status,
      })
      .from(users)
      .where(and(eq(users.id, verdict.userId), eq(users.tenantId, input.tenantId)));
    if (!user || user.status !== "active") return { ok: false, reason: "disabled" };
    return openSession(tx, user, now);
  });
}
