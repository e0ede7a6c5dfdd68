/**
 * Pausing and resuming: a tenant's bulk mail (the admin resumes what the breaker paused; an
 * operator pauses and resumes any tenant), and the switch that stops all bulk mail for the account.
 * Every change is audited, and resuming makes the held mail due at once.
 */
import { eq, sql } from "drizzle-orm";
import { db, type Transaction } from "@/db/client";
import { accountMailState, auditLog, tenantMailState } from "@/db/schema";
import type { Actor } from "@/lib/auth/actor";
import { UserError } from "@/lib/errors";
import { ensureAccountRow } from "@/lib/mail/account";
import { GUARD_LOCK } from "@/lib/mail/guard";
import { releaseHeld } from "@/lib/mail/outbox";
import { alertTenantPaused } from "./alerts";
import { loadTenantHealth, saveHealth, toHealth } from "./tenant-state";
import { operatorClose, operatorOpen, resumeAfterFix } from "./window";

const NOTHING_PAUSED = "Bulk mail is not paused, so there is nothing to resume.";

/**
 * A batch the dispatcher is deciding now read the old state: waiting for it means its holds are
 * recorded before this change, so a resume releases them too instead of leaving them 10 minutes.
 */
const guardLock = (tx: Transaction) => tx.execute(sql`select pg_advisory_xact_lock(${GUARD_LOCK})`);

/** Waits for any dispatcher batch being decided now, then locks the tenant's state. */
async function lockedHealth(tx: Transaction, tenantId: string) {
  await guardLock(tx);
  await loadTenantHealth(tx, [tenantId]);
  const [row] = await tx
    .select()
    .from(tenantMailState)
    .where(eq(tenantMailState.tenantId, tenantId))
    .for("update");
  return row!;
}

/**
 * The admin cleaned the list and resumes: half-open at the minimum window, judged afresh, held mail
 * due now. Only a pause the breaker made; an operator's pause is the operator's to lift.
 */
export async function resumeTenant(actor: Actor, tenantId: string): Promise<{ released: number }> {
  return db.transaction(async (tx) => {
    const row = await lockedHealth(tx, tenantId);
    if (row.breaker !== "open") throw new UserError("conflict", NOTHING_PAUSED);
    const byOperator = row.breakerChangedBy?.startsWith("operator:") ?? false;
    if (byOperator && actor.role !== "operator") {
      throw new UserError(
        "forbidden",
        "An operator of the platform paused your bulk mail; only they can resume it. Ask them.",
      );
    }
    const before = toHealth(row);
    const after = actor.role === "operator" ? operatorClose(before) : resumeAfterFix(before);
    await saveHealth(
      tx,
      tenantId,
      after,
      `${actor.role === "operator" ? "operator" : "admin"}:${actor.loginId}`,
    );
    const released = await releaseHeld(tx, { tenantId }, ["tenant_paused", "window_full"]);
    await tx.insert(auditLog).values({
      tenantId,
      actorId: actor.userId,
      action: "mail.resumed",
      detail: { pausedBy: row.breakerChangedBy, reason: row.breakerReason, released },
    });
    return { released };
  });
}

/** An operator pauses a tenant's bulk mail, with a reason its admins are shown. */
export async function pauseTenant(
  operator: Actor,
  tenantId: string,
  reason: string,
): Promise<{ adminsMailed: number }> {
  const why = reason.trim();
  if (why.length < 5) {
    throw new UserError(
      "invalid",
      "Say why you pause it: the tenant's admins are shown this.",
      "reason",
    );
  }
  return db.transaction(async (tx) => {
    const row = await lockedHealth(tx, tenantId);
    if (row.breaker === "open") {
      throw new UserError("conflict", "Bulk mail of this tenant is paused already.");
    }
    await saveHealth(
      tx,
      tenantId,
      operatorOpen(toHealth(row), why),
      `operator:${operator.loginId}`,
    );
    const adminsMailed = await alertTenantPaused(tx, tenantId, { reason: why, byOperator: true });
    await tx.insert(auditLog).values({
      tenantId,
      actorId: operator.userId,
      action: "mail.paused",
      detail: { reason: why, adminsMailed },
    });
    return { adminsMailed };
  });
}

/** The operators' switch: all bulk mail of the account waits; transactional mail still goes. */
export async function stopAllBulk(operator: Actor, reason: string): Promise<void> {
  const why = reason.trim();
  if (why.length < 5) {
    throw new UserError(
      "invalid",
      "Say why you stop it: every tenant's admins are shown this.",
      "reason",
    );
  }
  await ensureAccountRow(db);
  await db.transaction(async (tx) => {
    await guardLock(tx);
    const [row] = await tx
      .select()
      .from(accountMailState)
      .where(eq(accountMailState.id, 1))
      .for("update");
    if (row!.bulkStoppedAt) throw new UserError("conflict", "Bulk mail is stopped already.");
    await tx
      .update(accountMailState)
      .set({
        bulkStoppedAt: sql`now()`,
        bulkStoppedBy: `operator:${operator.loginId}`,
        bulkStoppedReason: why,
      })
      .where(eq(accountMailState.id, 1));
    await tx
      .insert(auditLog)
      .values({ actorId: operator.userId, action: "mail.bulk_stopped", detail: { reason: why } });
  });
}

export async function resumeAllBulk(operator: Actor): Promise<{ released: number }> {
  await ensureAccountRow(db);
  return db.transaction(async (tx) => {
    await guardLock(tx);
    const [row] = await tx
      .select()
      .from(accountMailState)
      .where(eq(accountMailState.id, 1))
      .for("update");
    if (!row!.bulkStoppedAt)
      throw new UserError("conflict", "Bulk mail is not stopped, so there is nothing to resume.");
    await tx
      .update(accountMailState)
      .set({ bulkStoppedAt: null, bulkStoppedBy: null, bulkStoppedReason: null })
      .where(eq(accountMailState.id, 1));
    const released = await releaseHeld(tx, {}, ["bulk_stopped"]);
    await tx.insert(auditLog).values({
      actorId: operator.userId,
      action: "mail.bulk_resumed",
      detail: { stoppedBy: row!.bulkStoppedBy, reason: row!.bulkStoppedReason, released },
    });
    return { released };
  });
}
