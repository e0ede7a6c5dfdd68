import { sql } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { inList } from "@/db/in-list";
import type { ConfirmedAddress, Tenant } from "@/db/schema";
import type { DomainVerdict } from "@/lib/address/domain-verdict";
import { accountGuard, bounceBudget, type GuardThresholds } from "@/lib/health/account-guard";
import { noteGuardLevel } from "@/lib/health/alerts";
import type { AccountCounts } from "@/lib/health/rates";
import { loadTenantHealth } from "@/lib/health/tenant-state";
import { bounceStats, effectiveWindow } from "@/lib/health/window";
import { suppressionKeys } from "@/lib/suppressions";
import { loadAccount, takeTokens } from "../account";
import type { GuardSnapshot, TenantSnapshot } from "../guard";
import { unconfirmedInFlight, type ClaimedMail } from "../outbox";

export type Snapshot = {
  guard: GuardSnapshot;
  /** Names and slugs for the templates and SES's TenantName. */
  tenants: Map<string, { slug: string; name: string }>;
  grantedTokens: number;
};

/**
 * Everything the guard needs to decide a claimed batch, loaded in a few queries: the account, the
 * suppressions and confirmed addresses among the batch's, each tenant's window, breaker and mail in
 * flight, the account's budget, and send-rate tokens for the whole batch.
 */
export async function loadSnapshot(
  db: Executor,
  mails: readonly Pick<ClaimedMail, "tenantId" | "lane" | "toAddress">[],
  options: { minVolume: number; thresholds: GuardThresholds },
  counts: AccountCounts,
  verdicts: ReadonlyMap<string, DomainVerdict>,
  /**
   * A forecast (lib/mail/foresee) takes no send-rate tokens and notes no guard level: it only asks
   * what the guard would decide now.
   */
  forecast = false,
): Promise<Snapshot> {
  const now = new Date();
  const addresses = [...new Set(mails.map((m) => m.toAddress).filter((a): a is string => !!a))];
  const tenantIds = [...new Set(mails.flatMap((m) => (m.tenantId === null ? [] : [m.tenantId])))];

  const [account, suppressed, confirmed, inFlightBy, tenantRows, health] = await Promise.all([
    loadAccount(db),
    suppressionKeys(db, addresses),
    addresses.length
      ? db.execute<Pick<ConfirmedAddress, "address">>(
          sql`select address from confirmed_addresses where ${inList(sql.raw("address"), addresses, "text")}`,
        )
      : Promise.resolve([]),
    unconfirmedInFlight(db),
    db.execute<Pick<Tenant, "id" | "slug" | "name">>(
      sql`select id, slug, name from tenants where ${inList(sql.raw("id"), tenantIds, "uuid")}`,
    ),
    loadTenantHealth(db, tenantIds),
  ]);

  const guardVerdict = accountGuard(
    counts.representative,
    counts.lastDay,
    options.thresholds,
    options.minVolume,
  );
  if (!forecast) await noteGuardLevel(db, guardVerdict);
  const volume = Math.max(counts.representative.sends, options.minVolume);
  const budgetTotal = bounceBudget(guardVerdict.bounceRate, volume, options.thresholds);
  const budgetInFlight = [...inFlightBy.values()].reduce((a, b) => a + b, 0);
  // Fair share: the budget split between the tenants with bulk mail moving now.
  const active = new Set([
    ...inFlightBy.keys(),
    ...mails.flatMap((m) => (m.lane === "bulk" && m.tenantId !== null ? [m.tenantId] : [])),
  ]);
  const fairShare = budgetTotal / Math.max(1, active.size);

  const tenants = new Map<string, TenantSnapshot>();
  for (const id of tenantIds) {
    const h = health.get(id)!;
    tenants.set(id, {
      breaker: h.breaker,
      window: effectiveWindow(h, fairShare),
      inFlight: inFlightBy.get(id) ?? 0,
      bounceRate: bounceStats(h.recent).rate,
    });
  }

  const { granted, rate } = forecast
    ? { granted: mails.length, rate: account.maxSendRate ?? 1 }
    : await takeTokens(db, mails.length, counts.lastDay.sends);
  return {
    guard: {
      now,
      domainVerdicts: verdicts,
      suppressed,
      confirmed: new Set([...confirmed].map((c) => c.address)),
      account: {
        pausedUntil: account.pausedUntil,
        bulkStopped: account.bulkStoppedAt !== null,
        guard: guardVerdict.level,
        bounceRate: guardVerdict.bounceRate,
      },
      budget: { total: budgetTotal, inFlight: budgetInFlight },
      tenants,
      tokens: granted,
      ratePerSecond: rate,
    },
    tenants: new Map([...tenantRows].map((t) => [t.id, { slug: t.slug, name: t.name }])),
    grantedTokens: granted,
  };
}
