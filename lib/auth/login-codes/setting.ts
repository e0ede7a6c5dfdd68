/**
 * The tenant's login-code setting: whether members (or only admins, when an operator requires it)
 * sign in with a code after the password. Both switches live in the tenant's settings and are audited.
 */
import { eq, sql } from "drizzle-orm";
import { db } from "@/db/client";
import { auditLog, tenants, type TenantSettings, type User } from "@/db/schema";
import type { TenantActor } from "@/lib/auth/actor";
import { UserError } from "@/lib/errors";

/** Whether this member signs in with a code after the password. */
export function codeRequired(settings: TenantSettings, role: User["role"]): boolean {
  return (
    settings.loginCodes === true || (role === "admin" && settings.loginCodesForAdmins === true)
  );
}

/** The tenant's own setting: every member signs in with a code. Audited. */
export async function setLoginCodes(ctx: TenantActor, on: boolean): Promise<void> {
  await db.transaction(async (tx) => {
    await tx
      .update(tenants)
      .set({ settings: sql`${tenants.settings} || ${JSON.stringify({ loginCodes: on })}::jsonb` })
      .where(eq(tenants.id, ctx.tenant.id));
    await tx.insert(auditLog).values({
      tenantId: ctx.tenant.id,
      actorId: ctx.actor.userId,
      action: on ? "login_codes.on" : "login_codes.off",
    });
  });
}

/** An operator requires (or stops requiring) codes for a tenant's admins. Audited. */
export async function requireCodesForAdmins(
  operatorId: string,
  tenantId: string,
  on: boolean,
): Promise<void> {
  await db.transaction(async (tx) => {
    const changed = await tx
      .update(tenants)
      .set({
        settings: sql`${tenants.settings} || ${JSON.stringify({ loginCodesForAdmins: on })}::jsonb`,
      })
      .where(eq(tenants.id, tenantId))
      .returning({ id: tenants.id });
    if (changed.length === 0) throw new UserError("not_found", "This organisation does not exist.");
    await tx.insert(auditLog).values({
      tenantId,
      actorId: operatorId,
      action: on ? "login_codes.admins_required" : "login_codes.admins_not_required",
    });
  });
}

/** The tenant's code settings, for its pages. */
export async function loginCodeSettings(
  tenantId: string,
): Promise<{ loginCodes: boolean; loginCodesForAdmins: boolean }> {
  const [row] = await db
    .select({ settings: tenants.settings })
    .from(tenants)
    .where(eq(tenants.id, tenantId));
  return {
    loginCodes: row?.settings.loginCodes === true,
    loginCodesForAdmins: row?.settings.loginCodesForAdmins === true,
  };
}
