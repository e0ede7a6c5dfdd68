/**
 * Bypass codes: the one-time code an admin hands a member whose login code cannot reach them
 * (24 hours, audited when issued and when used). Only hashes are stored, in `login_codes`.
 */
import { and, desc, eq, gt, isNull } from "drizzle-orm";
import { db, type Executor } from "@/db/client";
import { auditLog, loginCodes, users } from "@/db/schema";
import type { TenantActor } from "@/lib/auth/actor";
import { UserError } from "@/lib/errors";
import {
  formatCode,
  hashSecret,
  newActivationCode,
  normaliseCode,
  sameHash,
} from "@/lib/members/secrets";

export const BYPASS_VALID_MS = 24 * 60 * 60_000;

/**
 * A one-time bypass code for a member whose login code cannot reach them: shown once to the admin,
 * valid 24 hours, audited. Earlier unused bypass codes of the member stop working.
 */
export async function issueBypassCode(
  ctx: TenantActor,
  memberId: string,
): Promise<{ code: string; expiresAt: Date; loginId: string }> {
  if (!/^[0-9a-f-]{36}$/i.test(memberId)) {
    throw new UserError("not_found", "This member does not exist.");
  }
  return db.transaction(async (tx) => {
    const [member] = await tx
      .select({ id: users.id, loginId: users.loginId })
      .from(users)
      .where(and(eq(users.id, memberId), eq(users.tenantId, ctx.tenant.id)));
    if (!member) throw new UserError("not_found", "This member does not exist.");
    const now = new Date();
    await tx
      .update(loginCodes)
      .set({ usedAt: now })
      .where(
        and(
          eq(loginCodes.userId, member.id),
          eq(loginCodes.kind, "bypass"),
          isNull(loginCodes.usedAt),
        ),
      );
    const code = newActivationCode();
    const expiresAt = new Date(now.getTime() + BYPASS_VALID_MS);
    const [row] = await tx
      .insert(loginCodes)
      .values({
        tenantId: ctx.tenant.id,
        userId: member.id,
        kind: "bypass",
        codeHash: hashSecret(code),
        expiresAt,
        createdBy: ctx.actor.userId,
        createdAt: now,
      })
      .returning({ id: loginCodes.id });
    await tx.insert(auditLog).values({
      tenantId: ctx.tenant.id,
      actorId: ctx.actor.userId,
      action: "login.bypass_issued",
      subjectId: member.id,
      detail: { bypassId: row!.id, expiresAt: expiresAt.toISOString() },
    });
    return { code: formatCode(code), expiresAt, loginId: member.loginId };
  });
}

/**
 * Uses up the member's unused, unexpired bypass code matching what they typed (in the caller's
 * transaction, audited). True when one matched; false leaves everything as it was.
 */
export async function redeemBypassCode(
  tx: Executor,
  tenantId: string,
  userId: string,
  typed: string,
  now: Date,
): Promise<boolean> {
  const bypass = normaliseCode(typed);
  if (!/^[A-Z0-9]{10}$/.test(bypass)) return false;
  const candidates = await tx
    .select({ id: loginCodes.id, hash: loginCodes.codeHash })
    .from(loginCodes)
    .where(
      and(
        eq(loginCodes.userId, userId),
        eq(loginCodes.tenantId, tenantId),
        eq(loginCodes.kind, "bypass"),
        isNull(loginCodes.usedAt),
        gt(loginCodes.expiresAt, now),
      ),
    )
    .orderBy(desc(loginCodes.createdAt))
    .for("update");
  const match = candidates.find((c) => sameHash(c.hash, hashSecret(bypass)));
  if (!match) return false;
  await tx.update(loginCodes).set({ usedAt: now }).where(eq(loginCodes.id, match.id));
  await tx.insert(auditLog).values({
    tenantId,
    actorId: userId,
    action: "login.bypass_used",
    subjectId: userId,
    detail: { bypassId: match.id },
  });
  return true;
}
