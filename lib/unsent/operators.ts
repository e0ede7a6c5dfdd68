/** For operators after an account-wide pause: every tenant's ledger counts, one query. */
import { asc } from "drizzle-orm";
import { db } from "@/db/client";
import { tenants } from "@/db/schema";
import { emptyCounts, ledgerCountsByTenant, type LedgerCounts } from "./ledger";
import type { LedgerQuery } from "./view";

export type TenantLedger = { id: string; slug: string; name: string; counts: LedgerCounts };

/** Every tenant with its open and resolved rows per case for the period; most to do first. */
export async function tenantsLedger(query: LedgerQuery): Promise<{
  tenants: TenantLedger[];
  total: LedgerCounts;
}> {
  const [all, counts] = await Promise.all([
    db
      .select({ id: tenants.id, slug: tenants.slug, name: tenants.name })
      .from(tenants)
      .orderBy(asc(tenants.name)),
    ledgerCountsByTenant({ allTenants: true }, { since: query.period.since, reason: query.reason }),
  ]);
  const list = all
    .map((t) => ({ ...t, counts: counts.get(t.id) ?? emptyCounts() }))
    .sort((a, b) => b.counts.total.open - a.counts.total.open);
  return { tenants: list, total: counts.get("*") ?? emptyCounts() };
}
