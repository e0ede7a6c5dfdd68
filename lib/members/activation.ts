import { and, eq, sql } from "drizzle-orm";
import { db } from "@/db/client";
import { auditLog, loginAttempts, memberTokens, users } from "@/db/schema";
import { keyLockedUntil } from "@/lib/auth/attempts";
import { minutesUntil } from "@/lib/auth/lockout";
import { normaliseLoginId } from "@/lib/auth/login-id";
import { UserError } from "@/lib/errors";
import { hashNewPassword } from "./new-password";
import { normaliseCode } from "./secrets";
import { liveToken, spendToken, voidTokens, WAY_IN_KINDS } from "./tokens";

const LINK_GONE =
  "This link has expired or was already used. Ask your administrator to send a new invitation.";
const CODE_WRONG =
  "That login ID and activation code do not match. Check both (the code is on the sheet your administrator gave you).";

type Pending = { tokenId: string; userId: string; loginId: string };

/** Sets the first password, marks the secret used and ends any session, in one transaction. */
async function activate(
  tenantId: string,
  pending: Pending,
  password: string,
  how: "link" | "code",
) {
  const passwordHash = await hashNewPassword(password, pending.loginId);
  await db.transaction(async (tx) => {
    if (!(await spendToken(tx, pending.tokenId))) {
      throw new UserError("invalid", how === "link" ? LINK_GONE : CODE_WRONG);
    }
    await tx
      .update(users)
      .set({
        passwordHash,
        status: "active",
        // Following the invitation link proves the mailbox exists and reaches the member.
        ...(how === "link" ? { emailStatus: "ok" as const } : {}),
        sessionVersion: sql`${users.sessionVersion} + 1`,
        updatedAt: new Date(),
      })
      .where(
        and(
          eq(users.id, pending.userId),
          eq(users.tenantId, tenantId),
          eq(users.status, "invited"),
        ),
      );
    // Whatever else was issued to start with is void now.
    await voidTokens(tx, { tenantId, userIds: [pending.userId], kinds: WAY_IN_KINDS });
    await tx.insert(auditLog).values({
      tenantId,
      actorId: pending.userId,
      action: "member.activated",
      subjectId: pending.userId,
      detail: { how },
    });
  });
  return { loginId: pending.loginId };
}

/** The invitation link: single use, 7 days, only for a member who has not started yet. */
export async function activateWithLink(tenantId: string, token: string, password: string) {
  const [pending] = await db
    .select({ tokenId: memberTokens.id, userId: users.id, loginId: users.loginId })
    .from(memberTokens)
    .innerJoin(users, eq(users.id, memberTokens.userId))
    .where(and(liveToken(tenantId, "invitation", token), eq(users.status, "invited")))
    .limit(1);
  if (!pending) throw new UserError("invalid", LINK_GONE);
  return activate(tenantId, pending, password, "link");
}

/**
 * Whose a still-good link is: their login ID, so the page can show it (and say the link is gone
 * before anyone types a password), or null.
 */
export async function invitationLoginId(tenantId: string, token: string): Promise<string | null> {
  const [row] = await db
    .select({ loginId: users.loginId })
    .from(memberTokens)
    .innerJoin(users, eq(users.id, memberTokens.userId))
    .where(
      and(
        liveToken(tenantId, "invitation", token),
        eq(users.tenantId, tenantId),
        eq(users.status, "invited"),
      ),
    )
    .limit(1);
  return row?.loginId ?? null;
}

/** Login ID + activation code, under the same lockout as sign-in so codes cannot be guessed. */
export async function activateWithCode(input: {
  tenantId: string;
  loginId: string;
  code: string;
  password: string;
  ip: string;
}) {
  const key = `${input.tenantId}:activate:${normaliseLoginId(input.loginId)}`;
  const now = new Date();
  const until = await keyLockedUntil(db, key, now);
  if (until) {
    throw new UserError(
      "rate_limited",
      `Too many wrong codes. Try again in ${minutesUntil(until, now)} minutes, or ask your administrator for a new code.`,
    );
  }
  const [pending] = await db
    .select({ tokenId: memberTokens.id, userId: users.id, loginId: users.loginId })
    .from(memberTokens)
    .innerJoin(users, eq(users.id, memberTokens.userId))
    .where(
      and(
        liveToken(input.tenantId, "activation_code", normaliseCode(input.code)),
        eq(users.tenantId, input.tenantId),
        eq(sql`lower(${users.loginId})`, normaliseLoginId(input.loginId)),
        eq(users.status, "invited"),
      ),
    )
    .limit(1);
  await db
    .insert(loginAttempts)
    .values({ loginKey: key, ip: input.ip, succeeded: Boolean(pending), createdAt: now });
  if (!pending) throw new UserError("invalid", CODE_WRONG, "code");
  return activate(input.tenantId, pending, input.password, "code");
}
