/**
 * Telling people when sending stops: a tenant's admins when their bulk mail is paused (by the
 * breaker or an operator), the operators when the account guard stops bulk mail. One alert mail
 * each, on the transactional lane so it gets through while bulk waits, once per pause; the banner
 * and the health page say it in the app meanwhile.
 */
import { and, eq, inArray, isNotNull, isNull, sql } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { accountMailState, tenantMailState, tenants, users } from "@/db/schema";
import { enqueue } from "@/lib/mail/outbox";
import type { GuardLevel, GuardVerdict } from "./account-guard";

const deliverable = and(
  isNotNull(users.email),
  inArray(users.emailStatus, ["unchecked", "ok"]),
  eq(users.status, "active"),
);

/** Queues one alert to each of the tenant's admins about a pause, unless this pause was told already. */
export async function alertTenantPaused(
  tx: Executor,
  tenantId: string,
  pause: { reason: string; byOperator: boolean },
): Promise<number> {
  // Marks this pause as told in the same statement that checks it: a second caller finds it done.
  const [claimed] = await tx
    .update(tenantMailState)
    .set({ alertedAt: sql`clock_timestamp()` })
    .where(
      and(
        eq(tenantMailState.tenantId, tenantId),
        eq(tenantMailState.breaker, "open"),
        sql`(${tenantMailState.alertedAt} is null or ${tenantMailState.alertedAt} < ${tenantMailState.breakerChangedAt})`,
      ),
    )
    .returning({ tenantId: tenantMailState.tenantId });
  if (!claimed) return 0;
  const [tenant] = await tx
    .select({ slug: tenants.slug, name: tenants.name })
    .from(tenants)
    .where(eq(tenants.id, tenantId));
  const admins = await tx
    .select({ id: users.id, email: users.email })
    .from(users)
    .where(and(eq(users.tenantId, tenantId), eq(users.role, "admin"), deliverable));
  const why = pause.byOperator
    ? `An operator of the platform paused bulk mail for ${tenant!.name}: ${pause.reason}`
    : `Bulk mail for ${tenant!.name} was paused because too many recent mails bounced. ${pause.reason}`;
  for (const admin of admins) {
    await enqueue(tx, {
      tenantId,
      memberId: admin.id,
      category: "alert",
      to: admin.email,
      params: {
        subject: `Bulk mail for ${tenant!.name} is paused`,
        body: `${why}\n\nInvitations and message notices wait; password resets and login codes still go out. Nothing is lost.${pause.byOperator ? "" : " Fix or remove the addresses that bounced, then resume sending on the send health page."}`,
        path: `/t/${tenant!.slug}/admin/health`,
      },
    });
  }
  return admins.length;
}

const STOPS: readonly GuardLevel[] = ["stop_bulk_above", "stop_all_bulk"];

/**
 * Records the account guard's level as the dispatcher sees it; when it starts stopping bulk mail,
 * the operators are told (once, until it falls back).
 */
export async function noteGuardLevel(tx: Executor, verdict: GuardVerdict): Promise<void> {
  const [before] = await tx
    .select({ level: accountMailState.guardLevel })
    .from(accountMailState)
    .where(eq(accountMailState.id, 1));
  if (!before || before.level === verdict.level) return;
  await tx
    .update(accountMailState)
    .set({ guardLevel: verdict.level, guardReason: verdict.reason, guardChangedAt: sql`now()` })
    .where(eq(accountMailState.id, 1));
  // Told once when it starts stopping mail, not again for a move between stop levels: only after
  // it fell back to ok or warn does the next stop tell them again.
  const wasStopping = STOPS.includes(before.level as GuardLevel);
  if (wasStopping || !STOPS.includes(verdict.level)) return;
  const operators = await tx
    .select({ id: users.id, email: users.email })
    .from(users)
    .where(and(isNull(users.tenantId), eq(users.role, "operator"), deliverable));
  for (const operator of operators) {
    await enqueue(tx, {
      tenantId: null,
      memberId: operator.id,
      category: "alert",
      to: operator.email,
      params: {
        subject: "The account guard stopped bulk mail",
        body: `${verdict.reason ?? "The account's bounce or complaint rate is high."} ${verdict.level === "stop_all_bulk" ? "All bulk mail" : "Bulk mail of the tenants above the account's rate"} is held; transactional mail still goes. See which tenant drives it and pause it, or wait for the rate to fall.`,
        path: "/ops",
      },
    });
  }
}
