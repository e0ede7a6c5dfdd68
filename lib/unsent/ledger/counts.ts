/** How many rows of each case are open and resolved, per tenant. */
import { sql, type SQL } from "drizzle-orm";
import { UNSENT_CASES, type UnsentCase } from "../cases";
import { withWorkMem } from "./read";
import { ledgerCtes, type LedgerFilter, type LedgerScope } from "./sql";

export type CaseCount = { open: number; resolved: number };
export type LedgerCounts = Record<UnsentCase, CaseCount> & { total: CaseCount };

/** Open and resolved rows per case (and per tenant for operators). */
export async function ledgerCounts(
  scope: LedgerScope,
  filter: Omit<LedgerFilter, "case" | "state" | "mailIds"> = {},
): Promise<LedgerCounts> {
  const byTenant = await ledgerCountsByTenant(scope, filter);
  return byTenant.get("tenantId" in scope ? scope.tenantId : "*") ?? emptyCounts();
}

export function emptyCounts(): LedgerCounts {
  const counts = { total: { open: 0, resolved: 0 } } as LedgerCounts;
  for (const c of UNSENT_CASES) counts[c] = { open: 0, resolved: 0 };
  return counts;
}

export const countColumns = sql`count(*) filter (where l.resolved_by is null)::int as open,
           count(*) filter (where l.resolved_by is not null)::int as resolved`;

export function countsOf(
  rows: readonly { tenantId: string; c: UnsentCase; open: number; resolved: number }[],
) {
  const out = new Map<string, LedgerCounts>();
  const add = (key: string, c: UnsentCase, open: number, resolved: number) => {
    const counts = out.get(key) ?? emptyCounts();
    counts[c].open += open;
    counts[c].resolved += resolved;
    counts.total.open += open;
    counts.total.resolved += resolved;
    out.set(key, counts);
  };
  for (const r of rows) {
    add(r.tenantId, r.c, Number(r.open), Number(r.resolved));
    add("*", r.c, Number(r.open), Number(r.resolved));
  }
  return out;
}

/**
 * The counts per tenant and case of the `ledger` CTE as one json value (`countsOfJson` reads it):
 * for a statement that gives them along with rows (the page's, the download's).
 */
export const countsJson = sql`(
  select json_agg(json_build_object('tenantId', c."tenantId", 'c', c.c, 'open', c.open, 'resolved', c.resolved))
    from (select l.tenant_id as "tenantId", l.unsent_case as c, ${countColumns}
            from ledger l group by 1, 2) c)`;

/** The scope's counts from `countsJson`'s value (as the driver gives it: parsed or text). */
export function countsOfJson(scope: LedgerScope, value: unknown): LedgerCounts {
  const rows = (value == null ? [] : typeof value === "string" ? JSON.parse(value) : value) as {
    tenantId: string;
    c: UnsentCase;
    open: number;
    resolved: number;
  }[];
  return countsOf(rows).get("tenantId" in scope ? scope.tenantId : "*") ?? emptyCounts();
}

/** Open and resolved rows per tenant and case: one aggregate over the narrow ledger. */
export function ledgerCountsSelect(
  scope: LedgerScope,
  filter: Omit<LedgerFilter, "case" | "state" | "mailIds"> = {},
): SQL {
  return sql`
    with ${ledgerCtes(scope, filter, false)}
    select l.tenant_id as "tenantId", l.unsent_case as c, ${countColumns}
      from ledger l
     group by 1, 2`;
}

/** Counts per tenant (and "*" for all of them together). */
export async function ledgerCountsByTenant(
  scope: LedgerScope,
  filter: Omit<LedgerFilter, "case" | "state" | "mailIds"> = {},
): Promise<Map<string, LedgerCounts>> {
  const rows = await withWorkMem(undefined, (tx) =>
    tx.execute<{ tenantId: string; c: UnsentCase; open: number; resolved: number }>(
      ledgerCountsSelect(scope, filter),
    ),
  );
  return countsOf(rows);
}
