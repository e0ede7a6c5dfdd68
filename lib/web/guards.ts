import "server-only";
import { notFound, redirect } from "next/navigation";
import type { Actor, TenantActor } from "@/lib/auth/actor";
import { operatorAccess, tenantAccess, type Role } from "./access";

/**
 * Guards for pages and server actions: they return the verified actor or end the request the way a
 * page should: the sign-in page for a visitor without a session, a 404 for anyone else who does not
 * belong here, the password page for a temporary password.
 */
async function requireTenant(
  tenantSlug: string,
  roles: readonly Role[],
  options: { changingPassword?: boolean } = {},
): Promise<TenantActor> {
  const access = await tenantAccess(String(tenantSlug), roles, options);
  switch (access.kind) {
    case "ok":
      return access.ctx;
    case "no_session":
      if (!access.tenant) notFound();
      redirect(`/t/${access.tenant.slug}/login`);
    case "change_password":
      redirect(`/t/${access.ctx.tenant.slug}/change-password`);
    case "not_found":
      notFound();
  }
}

/** A tenant admin of the tenant the URL names; anyone else gets a 404, nobody a hint. */
export function requireAdmin(tenantSlug: string): Promise<TenantActor> {
  return requireTenant(tenantSlug, ["admin"]);
}

/** A member of the tenant the URL names: learners, and admins (who have an inbox too). */
export function requireLearner(tenantSlug: string): Promise<TenantActor> {
  return requireTenant(tenantSlug, ["learner", "admin"]);
}

/** The one page a member with a temporary password may see: where they choose their own. */
export function requirePasswordChanger(tenantSlug: string): Promise<TenantActor> {
  return requireTenant(tenantSlug, ["learner", "admin"], { changingPassword: true });
}

export async function requireOperator(): Promise<Actor> {
  const access = await operatorAccess();
  if (access.kind === "no_session") redirect("/login");
  if (access.kind === "not_found") notFound();
  return access.actor;
}
