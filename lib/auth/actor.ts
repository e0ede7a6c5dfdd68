import "server-only";
import { and, eq } from "drizzle-orm";
import { notFound, redirect } from "next/navigation";
import { cache } from "react";
import { db } from "@/db/client";
import { userSessions, users, type User } from "@/db/schema";
import { findTenantBySlug, type TenantRef } from "@/lib/tenants/tenants";
import { auth, claimSchema } from "./auth";

export type Actor = {
  userId: string;
  sessionId: string;
  role: User["role"];
  tenantId: string | null;
  loginId: string;
  name: string;
  /** Signed in with a temporary password: every page sends them to choose their own first. */
  mustChangePassword: boolean;
};

/**
 * The signed-in person for this request, re-checked against the database: a revoked session, a
 * disabled user or a bumped session version (password changed) ends the session here, at once.
 */
export const currentActor = cache(async (): Promise<Actor | null> => {
  const session = await auth().catch(() => null);
  const claim = claimSchema.safeParse(session?.claim);
  if (!claim.success) return null;
  const { sid, uid, sv } = claim.data;
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

export type TenantActor = { actor: Actor; tenant: TenantRef };

async function requireTenantMember(
  tenantSlug: string,
  allowed: readonly User["role"][],
  options: { changingPassword?: boolean } = {},
): Promise<TenantActor> {
  const tenant = await findTenantBySlug(tenantSlug);
  if (!tenant) notFound();
  const actor = await currentActor();
  if (!actor) redirect(`/t/${tenant.slug}/login`);
  // Someone else's tenant looks exactly like a missing one.
  if (actor.tenantId !== tenant.id || !allowed.includes(actor.role)) notFound();
  if (actor.mustChangePassword && !options.changingPassword)
    redirect(`/t/${tenant.slug}/change-password`);
  return { actor, tenant };
}

/** For route handlers: the admin of the named tenant, or null (answer 404 then). */
export async function adminOrNull(tenantSlug: string): Promise<TenantActor | null> {
  const tenant = await findTenantBySlug(tenantSlug);
  if (!tenant) return null;
  const actor = await currentActor();
  if (
    !actor ||
    actor.role !== "admin" ||
    actor.tenantId !== tenant.id ||
    actor.mustChangePassword
  ) {
    return null;
  }
  return { actor, tenant };
}

/** A tenant admin of the tenant the URL names; anyone else gets a 404, nobody a hint. */
export function requireAdmin(tenantSlug: string): Promise<TenantActor> {
  return requireTenantMember(tenantSlug, ["admin"]);
}

/** A member of the tenant the URL names: learners, and admins (who have an inbox too). */
export function requireLearner(tenantSlug: string): Promise<TenantActor> {
  return requireTenantMember(tenantSlug, ["learner", "admin"]);
}

/** The one page a member with a temporary password may see: where they choose their own. */
export function requirePasswordChanger(tenantSlug: string): Promise<TenantActor> {
  return requireTenantMember(tenantSlug, ["learner", "admin"], { changingPassword: true });
}

export async function requireOperator(): Promise<Actor> {
  const actor = await currentActor();
  if (!actor) redirect("/login");
  if (actor.role !== "operator") notFound();
  return actor;
}

/** Ends this browser's session for good: the row is revoked, so a copied cookie is dead too. */
export async function revokeSession(sessionId: string): Promise<void> {
  await db
    .update(userSessions)
    .set({ revokedAt: new Date() })
    .where(eq(userSessions.id, sessionId));
}
