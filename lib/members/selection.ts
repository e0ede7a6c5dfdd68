import { and, eq, ne, sql } from "drizzle-orm";
import { db, type Executor } from "@/db/client";
import { inList } from "@/db/in-list";
import { auditLog, users } from "@/db/schema";
import type { TenantActor } from "@/lib/auth/actor";
import { UserError } from "@/lib/errors";
import { cancelPending } from "@/lib/mail/outbox";

export const BULK_LIMIT = 500;

export function checkIds(ctx: TenantActor, ids: readonly string[]) {
  if (ids.length === 0) throw new UserError("invalid", "Select at least one member first.");
  if (ids.length > BULK_LIMIT)
    throw new UserError("invalid", `Select at most ${BULK_LIMIT} members at a time.`);
  if (ids.includes(ctx.actor.userId)) {
    throw new UserError(
      "invalid",
      "Your own account is among the selected: unselect it and try again.",
    );
  }
}

/** Another tenant's ids simply match nothing: every statement is scoped to the admin's tenant. */
export const mine = (ctx: TenantActor, ids: readonly string[]) =>
  and(eq(users.tenantId, ctx.tenant.id), inList(users.id, ids, "uuid"), ne(users.role, "operator"));

export async function disableMembers(ctx: TenantActor, ids: readonly string[]): Promise<number> {
  checkIds(ctx, ids);
  return db.transaction(async (tx) => {
    const changed = await tx
      .update(users)
      // Their sessions end at the next request.
      .set({
        status: "disabled",
        sessionVersion: sql`${users.sessionVersion} + 1`,
        updatedAt: new Date(),
      })
      .where(and(mine(ctx, ids), ne(users.status, "disabled")))
      .returning({ id: users.id });
    await audit(
      tx,
      ctx,
      "member.disabled",
      changed.map((c) => c.id),
    );
    return changed.length;
  });
}

export async function enableMembers(ctx: TenantActor, ids: readonly string[]): Promise<number> {
  checkIds(ctx, ids);
  return db.transaction(async (tx) => {
    // Back to where they were: active if they had a password, invited if they never started.
    const changed = await tx
      .update(users)
      .set({
        status: sql`case when ${users.passwordHash} is null then 'invited' else 'active' end::user_status`,
        updatedAt: new Date(),
      })
      .where(and(mine(ctx, ids), eq(users.status, "disabled")))
      .returning({ id: users.id });
    await audit(
      tx,
      ctx,
      "member.enabled",
      changed.map((c) => c.id),
    );
    return changed.length;
  });
}

/** Deletes members and cancels their pending mail; sent mail stays on record. */
export async function deleteMembers(ctx: TenantActor, ids: readonly string[]): Promise<number> {
  checkIds(ctx, ids);
  return db.transaction(async (tx) => {
    const targets = await tx
      .select({ id: users.id, loginId: users.loginId })
      .from(users)
      .where(mine(ctx, ids));
    const targetIds = targets.map((t) => t.id);
    if (targetIds.length === 0) return 0;
    await cancelPending(tx, { tenantId: ctx.tenant.id, memberIds: targetIds }, "member_deleted");
    await tx
      .delete(users)
      .where(and(eq(users.tenantId, ctx.tenant.id), inList(users.id, targetIds, "uuid")));
    await audit(tx, ctx, "member.deleted", targetIds, { loginIds: targets.map((t) => t.loginId) });
    return targetIds.length;
  });
}

export async function audit(
  tx: Executor,
  ctx: TenantActor,
  action: string,
  ids: string[],
  detail: Record<string, unknown> = {},
) {
  if (ids.length === 0) return;
  await tx.insert(auditLog).values(
    ids.map((subjectId) => ({
      tenantId: ctx.tenant.id,
      actorId: ctx.actor.userId,
      action,
      subjectId,
      detail,
    })),
  );
}
