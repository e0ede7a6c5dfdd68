import { eq, inArray, sql } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { tenantMailState, type TenantMailState } from "@/db/schema";
import { alertTenantPaused } from "./alerts";
import { applyOutcome, initialHealth, type Outcome, type TenantHealth } from "./window";

export function toHealth(row: TenantMailState): TenantHealth {
  return {
    window: row.window,
    breaker: row.breaker,
    breakerReason: row.breakerReason,
    recent: row.recentOutcomes,
  };
}

/** Every listed tenant's window and breaker, creating the default state for tenants never seen. */
export async function loadTenantHealth(
  db: Executor,
  tenantIds: readonly string[],
): Promise<Map<string, TenantHealth>> {
  if (tenantIds.length === 0) return new Map();
  const initial = initialHealth();
  await db
    .insert(tenantMailState)
    .values(tenantIds.map((tenantId) => ({ tenantId, window: initial.window })))
    .onConflictDoNothing();
  const rows = await db
    .select()
    .from(tenantMailState)
    .where(inArray(tenantMailState.tenantId, [...tenantIds]));
  return new Map(rows.map((r) => [r.tenantId, toHealth(r)]));
}

/** A tenant's stored state, or the state of a tenant that never sent bulk mail (nothing is written). */
export async function readTenantState(db: Executor, tenantId: string): Promise<TenantMailState> {
  const [row] = await db
    .select()
    .from(tenantMailState)
    .where(eq(tenantMailState.tenantId, tenantId));
  if (row) return row;
  const initial = initialHealth();
  return {
    tenantId,
    window: initial.window,
    breaker: initial.breaker,
    breakerReason: null,
    breakerChangedAt: null,
    breakerChangedBy: null,
    alertedAt: null,
    recentOutcomes: "",
    updatedAt: new Date(0),
  };
}

/** Applies one resolved bulk outcome under a row lock, so concurrent events never lose an update. */
export async function recordOutcome(
  tx: Executor,
  tenantId: string,
  outcome: Outcome,
  unconfirmed = true,
): Promise<TenantHealth> {
  let [row] = await tx
    .select()
    .from(tenantMailState)
    .where(eq(tenantMailState.tenantId, tenantId))
    .for("update");
  if (!row) {
    await loadTenantHealth(tx, [tenantId]);
    [row] = await tx
      .select()
      .from(tenantMailState)
      .where(eq(tenantMailState.tenantId, tenantId))
      .for("update");
  }
  const before = toHealth(row!);
  const after = applyOutcome(before, outcome, undefined, unconfirmed);
  await saveHealth(tx, tenantId, after, before.breaker !== after.breaker ? "system" : undefined);
  if (after.breaker === "open" && before.breaker !== "open") {
    await alertTenantPaused(tx, tenantId, { reason: after.breakerReason ?? "", byOperator: false });
  }
  return after;
}

export async function saveHealth(
  tx: Executor,
  tenantId: string,
  health: TenantHealth,
  changedBy?: string,
) {
  await tx
    .update(tenantMailState)
    .set({
      window: health.window,
      breaker: health.breaker,
      breakerReason: health.breakerReason,
      recentOutcomes: health.recent,
      updatedAt: sql`now()`,
      // The wall clock, not the transaction's start: a long feedback batch that reopens the breaker
      // after a resume must not date the new pause before it.
      ...(changedBy
        ? { breakerChangedAt: sql`clock_timestamp()`, breakerChangedBy: changedBy }
        : {}),
    })
    .where(eq(tenantMailState.tenantId, tenantId));
}
