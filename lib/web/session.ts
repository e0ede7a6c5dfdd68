import "server-only";
import { and, eq } from "drizzle-orm";
import { cache } from "react";
import { db } from "@/db/client";
import { userSessions, users } from "@/db/schema";
import type { Actor } from "@/lib/auth/actor";
import { sessionClaim } from "@/lib/auth/auth";

/**
 * The signed-in person for this request, re-checked against the database: a revoked session, a
 * disabled user or a bumped session version (password changed) ends the session here, at once.
 */
export const currentActor = cache(async (): Promise<Actor | null> => {
  const claim = await sessionClaim();
  if (!claim) return null;
  const { sid, uid, sv } = claim;
  const [row] = await db
    .select({
      role: users.role,
      tenantId: users.tenantId,
      loginId: users.loginId,
      name: users.name,
      status: users.status,
      mustChangePassword: users.mustChangePassword,
      sessionVersion: users.sessionVersion,
      expiresAt: userSessions.expiresAt,
      revokedAt: userSessions.revokedAt,
    })
    .from(userSessions)
    .innerJoin(users, eq(users.id, userSessions.userId))
    .where(and(eq(userSessions.id, sid), eq(users.id, uid)))
    .limit(1);
  if (
    !row ||
    row.revokedAt !== null ||
    row.expiresAt.getTime() <= Date.now() ||
    row.status !== "active" ||
    row.sessionVersion !== sv
  ) {
    return null;
  }
  return {
    userId: uid,
    sessionId: sid,
    role: row.role,
    tenantId: row.tenantId,
    loginId: row.loginId,
    name: row.name,
    mustChangePassword: row.mustChangePassword,
  };
});

/** Ends this browser's session for good: the row is revoked, so a copied cookie is dead too. */
export async function revokeSession(sessionId: string): Promise<void> {
  await db
    .update(userSessions)
    .set({ revokedAt: new Date() })
    .where(eq(userSessions.id, sessionId));
}
