import { randomInt } from "node:crypto";
import { and, eq, or, sql } from "drizzle-orm";
import { db, type Executor } from "@/db/client";
import { auditLog, loginAttempts, memberTokens, users } from "@/db/schema";
import type { Actor, TenantActor } from "@/lib/auth/actor";
import { keyLockedUntil } from "@/lib/auth/attempts";
import { normaliseLoginId } from "@/lib/auth/login-id";
import { hashPassword, verifyPassword } from "@/lib/auth/password";
import { UserError } from "@/lib/errors";
import { foreseeOne, foresightSentence } from "@/lib/mail/foresee";
import { enqueue } from "@/lib/mail/outbox";
import { checkMemberAddress, refusalOf } from "./address-check";
import { memberFields } from "./members";
import { hashNewPassword } from "./new-password";
import { newLinkToken } from "./secrets";
import { issueToken, liveToken, spendToken } from "./tokens";

export const RESET_LINK_MINUTES = 60;

/** What the reset page always says, whether or not the account exists: nobody learns who is a member. */
export const RESET_REQUESTED =
  "If that is one of our members with a working e-mail address, a reset link is on its way; it works once, for an hour. No mail within a few minutes, or no address with us? Ask your administrator.";

const LINK_GONE = "This reset link has expired or was already used. Ask for a new one.";

/** Addresses that can receive mail: not bounced, complained, suppressed or invalid. */
const deliverable = sql`${users.email} is not null and ${users.emailStatus} in ('unchecked', 'ok')`;

type Member = { id: string; tenantId: string; loginId: string; name: string; email: string | null };

export async function queueResetLink(tx: Executor, member: Member & { email: string }) {
  const token = newLinkToken();
  await issueToken(tx, {
    tenantId: member.tenantId,
    userId: member.id,
    kind: "password_reset",
    secret: token,
    ttlMs: RESET_LINK_MINUTES * 60_000,
  });
  await enqueue(tx, {
    tenantId: member.tenantId,
    memberId: member.id,
    category: "password_reset",
    to: member.email,
    params: { memberName: member.name, token },
  });
}

/**
 * A member asks for a reset by login ID or address. At most 5 requests per identifier per 15
 * minutes; the answer is the same in every case.
 */
export async function requestPasswordReset(input: {
  tenantId: string;
  identifier: string;
  ip: string;
}) {
  const identifier = input.identifier.trim().toLowerCase();
  const key = `${input.tenantId}:reset:${identifier}`;
  const now = new Date();
  // Each request counts against the limit: a flood of reset mails is itself the abuse.
  const until = await keyLockedUntil(db, key, now, { everyAttemptCounts: true });
  if (until) return;
  await db
    .insert(loginAttempts)
    .values({ loginKey: key, ip: input.ip, succeeded: false, createdAt: now });
  const [member] = await db
    .select({
      id: users.id,
      tenantId: users.tenantId,
      loginId: users.loginId,
      name: users.name,
      email: users.email,
      confirmedAddress: users.confirmedAddress,
    })
    .from(users)
    .where(
      and(
        eq(users.tenantId, input.tenantId),
        eq(users.status, "active"),
        deliverable,
        or(
          eq(sql`lower(${users.loginId})`, normaliseLoginId(identifier)),
          eq(sql`lower(${users.email})`, identifier),
        ),
      ),
    )
    .limit(1);
  if (!member?.email) return;
  // The same check as any stored address before mail is queued to it; the answer stays the same.
  const { problems } = await checkMemberAddress(input.tenantId, member.email);
  if (refusalOf(problems, member.confirmedAddress === member.email)) return;
  await db.transaction((tx) =>
    queueResetLink(tx, { ...member, tenantId: input.tenantId, email: member.email! }),
  );
}

export async function resetLinkIsUsable(tenantId: string, token: string): Promise<boolean> {
  const [row] = await db
    .select({ id: memberTokens.id })
    .from(memberTokens)
    .where(liveToken(tenantId, "password_reset", token));
  return Boolean(row);
}

async function setPassword(
  tx: Executor,
  member: { id: string; tenantId: string },
  passwordHash: string,
  mustChange: boolean,
) {
  await tx
    .update(users)
    .set({
      passwordHash,
      mustChangePassword: mustChange,
      // Every session that was open ends: the password they were opened with is gone.
      sessionVersion: sql`${users.sessionVersion} + 1`,
      updatedAt: new Date(),
    })
    .where(and(eq(users.id, member.id), eq(users.tenantId, member.tenantId)));
}

/** The reset link: single use, one hour; ends every open session of the member. */
export async function resetWithToken(tenantId: string, token: string, password: string) {
  const [row] = await db
    .select({ tokenId: memberTokens.id, userId: users.id, loginId: users.loginId })
    .from(memberTokens)
    .innerJoin(users, eq(users.id, memberTokens.userId))
    .where(and(liveToken(tenantId, "password_reset", token), eq(users.status, "active")));
  if (!row) throw new UserError("invalid", LINK_GONE);
  const passwordHash = await hashNewPassword(password, row.loginId);
  await db.transaction(async (tx) => {
    if (!(await spendToken(tx, row.tokenId))) throw new UserError("invalid", LINK_GONE);
    await setPassword(tx, { id: row.userId, tenantId }, passwordHash, false);
    await tx.insert(auditLog).values({
      tenantId,
      actorId: row.userId,
      action: "member.password_reset",
      subjectId: row.userId,
    });
  });
  return { loginId: row.loginId };
}

async function memberByLoginId(tenantId: string, loginId: string) {
  const [member] = await db
    // confirmedAddress: equal to `email` while an admin's "This address exists" stands for it.
    .select({ ...memberFields, confirmedAddress: users.confirmedAddress })
    .from(users)
    .where(
      and(
        eq(users.tenantId, tenantId),
        eq(sql`lower(${users.loginId})`, normaliseLoginId(loginId)),
      ),
    );
  if (!member)
    throw new UserError(
      "not_found",
      "No member of your organisation has that login ID.",
      "loginId",
    );
  if (member.status !== "active") {
    throw new UserError(
      "invalid",
      member.status === "invited"
        ? "This member has not started yet: resend their invitation or give them an activation code instead."
        : "This member is disabled. Enable them first.",
      "loginId",
    );
  }
  return member;
}

/** The admin sends a reset link to a member's address (when it can receive mail). */
export async function adminSendReset(
  { actor, tenant }: TenantActor,
  loginId: string,
): Promise<{ sentTo: string; sentence: string }> {
  const member = await memberByLoginId(tenant.id, loginId);
  if (!member.email || !["unchecked", "ok"].includes(member.emailStatus)) {
    throw new UserError(
      "invalid",
      member.email
        ? `Mail to ${member.email} does not arrive (${member.emailStatus}). Set a temporary password instead.`
        : "This member has no e-mail address. Set a temporary password instead.",
      "loginId",
    );
  }
  const refusal = refusalOf(
    (await checkMemberAddress(tenant.id, member.email)).problems,
    member.confirmedAddress === member.email,
  );
  if (refusal) {
    throw new UserError(
      "invalid",
      `No reset link sent: ${refusal.message} Or set a temporary password instead.`,
      "loginId",
      refusal.suggestion,
    );
  }
  await db.transaction(async (tx) => {
    await queueResetLink(tx, { ...member, tenantId: tenant.id, email: member.email! });
    await tx.insert(auditLog).values({
      tenantId: tenant.id,
      actorId: actor.userId,
      action: "member.reset_sent",
      subjectId: member.id,
    });
  });
  const f = await foreseeOne({
    tenantId: tenant.id,
    lane: "transactional",
    toAddress: member.email,
  });
  return { sentTo: member.email, sentence: foresightSentence("A reset link", member.email, f) };
}

// Readable aloud and from paper: no look-alike characters.
const TEMP_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789";

/** A new temporary password (readable aloud and from paper) and its hash. */
export async function newTemporaryPassword(): Promise<{ password: string; passwordHash: string }> {
  let password = "";
  for (let i = 0; i < 12; i++) password += TEMP_ALPHABET[randomInt(TEMP_ALPHABET.length)];
  password = `${password.slice(0, 4)}-${password.slice(4, 8)}-${password.slice(8)}`;
  return { password, passwordHash: await hashPassword(password) };
}

/** Sets a temporary password in the caller's transaction (the member must replace it at once), audited. */
export async function applyTemporaryPassword(
  tx: Executor,
  { actor, tenant }: TenantActor,
  memberId: string,
  passwordHash: string,
): Promise<void> {
  await setPassword(tx, { id: memberId, tenantId: tenant.id }, passwordHash, true);
  await tx.insert(auditLog).values({
    tenantId: tenant.id,
    actorId: actor.userId,
    action: "member.temporary_password",
    subjectId: memberId,
  });
}

/** A one-time temporary password, shown once to the admin; the member must choose their own at once. */
export async function adminTemporaryPassword(
  ctx: TenantActor,
  loginId: string,
): Promise<{ password: string }> {
  const member = await memberByLoginId(ctx.tenant.id, loginId);
  if (member.id === ctx.actor.userId)
    throw new UserError("invalid", "Change your own password on your own page.", "loginId");
  const { password, passwordHash } = await newTemporaryPassword();
  await db.transaction((tx) => applyTemporaryPassword(tx, ctx, member.id, passwordHash));
  return { password };
}

/** A member replaces a temporary (or their own) password; every session ends, they sign in anew. */
export async function changeOwnPassword(
  actor: Actor,
  tenantId: string,
  current: string,
  next: string,
) {
  const [row] = await db
    .select({ passwordHash: users.passwordHash })
    .from(users)
    .where(and(eq(users.id, actor.userId), eq(users.tenantId, tenantId)));
  if (!row || !(await verifyPassword(row.passwordHash, current))) {
    throw new UserError(
      "invalid",
      "Your current password is not right. Type the one you signed in with.",
      "current",
    );
  }
  const passwordHash = await hashNewPassword(next, actor.loginId);
  if (current === next)
    throw new UserError("invalid", "Choose a password different from the current one.", "password");
  await db.transaction(async (tx) => {
    await setPassword(tx, { id: actor.userId, tenantId }, passwordHash, false);
    await tx.insert(auditLog).values({
      tenantId,
      actorId: actor.userId,
      action: "member.password_changed",
      subjectId: actor.userId,
    });
  });
}
