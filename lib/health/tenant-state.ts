import { eq, inArray, sql } from "drizzle-orm";
import { pgOf, type Executor } from "@/db/client";
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
  await ensureStates(db, tenantIds);
  const rows = await db
    .select()
    .from(tenantMailState)
    .where(inArray(tenantMailState.tenantId, [...tenantIds]));
  return new Map(rows.map((r) => [r.tenantId, toHealth(r)]));
}

/** The default state for tenants never seen. */
async function ensureStates(db: Executor, tenantIds: readonly string[]): Promise<void> {
  const initial = initialHealth();
  await db
    .insert(tenantMailState)
    .values(tenantIds.map((tenantId) => ({ tenantId, window: initial.window })))
    .onConflictDoNothing();
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

/** A resolved (or timed-out) bulk mail of a tenant, as the window and breaker take it. */
export type TenantOutcome = { tenantId: string; outcome: Outcome; unconfirmed: boolean };

/**
 * Applies resolved bulk outcomes, in the order given, to each tenant's window and breaker under
 * row locks (taken in tenant order, so concurrent appliers never deadlock and never lose an update):
 * one read and one write for all the tenants of a batch. A tenant whose breaker opens here gets its
 * one alert.
 */
export async function recordOutcomes(
  tx: Executor,
  outcomes: readonly TenantOutcome[],
): Promise<Map<string, TenantHealth>> {
  if (outcomes.length === 0) return new Map();
  const tenantIds = [...new Set(outcomes.map((o) => o.tenantId))].sort();
  await ensureStates(tx, tenantIds);
  const rows = await tx
    .select()
    .from(tenantMailState)
    .where(inArray(tenantMailState.tenantId, tenantIds))
    .orderBy(tenantMailState.tenantId)
    .for("update");
  const before = new Map(rows.map((r) => [r.tenantId, toHealth(r)]));
  const after = new Map(before);
  for (const o of outcomes) {
    after.set(
      o.tenantId,
      applyOutcome(after.get(o.tenantId)!, o.outcome, undefined, o.unconfirmed),
    );
  }
  const changed = tenantIds.map((id) => ({ id, health: after.get(id)!, was: before.get(id)! }));
  // postgres.js, prepared: the feedback applier runs this once a batch.
  await pgOf(tx)`
    update tenant_mail_state s
       set "window" = x.win, breaker = x.breaker::breaker_state, breaker_reason = x.reason,
           recent_outcomes = x.recent, updated_at = now(),
           -- The wall clock, not the transaction's start: see saveHealth.
           breaker_changed_at = case when x.moved = 1 then clock_timestamp() else s.breaker_changed_at end,
           breaker_changed_by = case when x.moved = 1 then 'system' else s.breaker_changed_by end
      -- (postgres.js sends a boolean array as one boolean: the flag travels as 0 or 1)
      from unnest(${changed.map((c) => c.id)}::uuid[],
                  ${changed.map((c) => c.health.window)}::int[],
                  ${changed.map((c) => c.health.breaker)}::text[],
                  ${changed.map((c) => c.health.breakerReason)}::text[],
                  ${changed.map((c) => c.health.recent)}::text[],
                  ${changed.map((c) => (c.health.breaker !== c.was.breaker ? 1 : 0))}::int[])
           as x(tenant_id, win, breaker, reason, recent, moved)
     where s.tenant_id = x.tenant_id`;
  for (const c of changed) {
    if (c.health.breaker === "open" && c.was.breaker !== "open") {
      await alertTenantPaused(tx, c.id, {
        reason: c.health.breakerReason ?? "",
        byOperator: false,
      });
    }
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
