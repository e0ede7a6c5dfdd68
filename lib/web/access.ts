import "server-only";
import type { Actor, TenantActor } from "@/lib/auth/actor";
import type { User } from "@/db/schema";
import { findTenantBySlug, type TenantRef } from "@/lib/tenants/tenants";
import { currentActor } from "./session";

export type Role = User["role"];

/**
 * The one answer to "may this request act in this tenant?", behind every page guard, action
 * wrapper and route helper. Someone else's tenant (or a tenant that does not exist, or a role that
 * does not belong there) is `not_found`: it looks exactly like a missing page, and says nothing.
 */
export type TenantAccess =
  | { kind: "ok"; ctx: TenantActor }
  /** Nobody is signed in. The tenant, when it exists, so a page can send them to its sign-in. */
  | { kind: "no_session"; tenant: TenantRef | null }
  | { kind: "not_found" }
  /** Their own tenant, but they signed in with a temporary password and must choose their own first. */
  | { kind: "change_password"; ctx: TenantActor };

export async function tenantAccess(
  tenantSlug: string,
  roles: readonly Role[],
  options: { changingPassword?: boolean } = {},
): Promise<TenantAccess> {
  const [tenant, actor] = await Promise.all([findTenantBySlug(tenantSlug), currentActor()]);
  if (!actor) return { kind: "no_session", tenant };
  if (!tenant || actor.tenantId !== tenant.id || !roles.includes(actor.role)) {
    return { kind: "not_found" };
  }
  const ctx = { actor, tenant };
  if (actor.mustChangePassword && !options.changingPassword)
    return { kind: "change_password", ctx };
  return { kind: "ok", ctx };
}

export type OperatorAccess =
  { kind: "ok"; actor: Actor } | { kind: "no_session" } | { kind: "not_found" };

export async function operatorAccess(): Promise<OperatorAccess> {
  const actor = await currentActor();
  if (!actor) return { kind: "no_session" };
  if (actor.role !== "operator") return { kind: "not_found" };
  return { kind: "ok", actor };
}
