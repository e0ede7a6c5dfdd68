/**
 * The one owner of `suppressions`: addresses we never send to again, for one tenant or for the
 * whole account. Reads and writes share one rule (./rule): the account's list and the tenant's own
 * apply, compared without regard to case (addresses are stored lower-cased).
 */
import { sql } from "drizzle-orm";
import { pgOf, type Executor } from "@/db/client";
import { inList } from "@/db/in-list";
import type { Suppression } from "@/db/schema";
import { accountKey, tenantKey } from "./rule";

export { accountKey, isSuppressedFor, tenantKey } from "./rule";

/** A hard bounce, a complaint (from SES), or an admin's own entry. */
export type SuppressionReason = "bounce" | "complaint" | "manual";

const lowered = (addresses: Iterable<string>) => [
  ...new Set([...addresses].map((a) => a.toLowerCase())),
];

/** Every suppression of the given addresses, as keys for `isSuppressedFor` (the dispatcher's batch). */
export async function suppressionKeys(
  db: Executor,
  addresses: Iterable<string>,
): Promise<Set<string>> {
  const list = lowered(addresses);
  if (list.length === 0) return new Set();
  const rows = await db.execute<Pick<Suppression, "scope" | "tenantId" | "address">>(sql`
    select scope, tenant_id as "tenantId", address from suppressions
     where ${inList(sql.raw("address"), list, "text")}`);
  return new Set(
    rows.map((s) =>
      s.scope === "account" ? accountKey(s.address) : tenantKey(s.tenantId!, s.address),
    ),
  );
}

/** Which of the addresses are suppressed for this tenant, each (lower-cased) with its reason. */
export async function suppressedAmong(
  db: Executor,
  tenantId: string,
  addresses: Iterable<string>,
): Promise<Map<string, SuppressionReason>> {
  const list = lowered(addresses);
  if (list.length === 0) return new Map();
  const rows = await db.execute<{ address: string; reason: SuppressionReason }>(sql`
    select distinct on (address) address, reason from suppressions
     where ${inList(sql.raw("address"), list, "text")}
       and (scope = 'account' or tenant_id = ${tenantId})
     order by address, (reason = 'complaint') desc`);
  return new Map(rows.map((r) => [r.address, r.reason]));
}

/** Whether one address is suppressed for this tenant, and why. */
export async function isSuppressed(
  db: Executor,
  tenantId: string,
  address: string,
): Promise<SuppressionReason | null> {
  return (await suppressedAmong(db, tenantId, [address])).get(address.toLowerCase()) ?? null;
}

export type SuppressionEntry = {
  /** The tenant whose mail it was, or null for mail that is not ours (the account's list only). */
  tenantId: string | null;
  address: string;
  reason: SuppressionReason;
  detail: Record<string, unknown>;
};

/**
 * Suppresses these addresses after permanent bounces or complaints, in one statement: for the
 * account always, and for the tenant when the mail is ours. A repeat changes nothing, and within
 * one call the first entry for an address wins (the feedback applier passes them in SES's order).
 */
export async function suppressMany(
  tx: Executor,
  entries: readonly SuppressionEntry[],
): Promise<void> {
  if (entries.length === 0) return;
  const list = entries.map((e, i) => ({ ...e, address: e.address.toLowerCase(), i }));
  // Sorted by address, so two writers wait on each other's new rows in one order, never in a circle.
  list.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : a.i - b.i));
  // postgres.js, prepared: the feedback applier runs this once a batch.
  await pgOf(tx)`
    insert into suppressions (scope, tenant_id, address, reason, detail)
    select s.scope::suppression_scope, s.tenant_id, e.address, e.reason, e.detail
      from unnest(${list.map((e) => e.address)}::text[],
                  ${list.map((e) => e.tenantId)}::uuid[],
                  ${list.map((e) => e.reason)}::text[],
                  ${list.map((e) => JSON.stringify(e.detail))}::jsonb[])
           with ordinality as e(address, tenant_id, reason, detail, n)
     cross join lateral (values ('account', null::uuid), ('tenant', e.tenant_id)) s(scope, tenant_id)
     where s.scope = 'account' or s.tenant_id is not null
     order by e.n
    on conflict do nothing`;
}

/** Suppresses exactly these recipients of one mail (see `suppressMany`). */
export async function suppress(
  tx: Executor,
  input: {
    tenantId: string | null;
    addresses: readonly string[];
    reason: SuppressionReason;
    detail: Record<string, unknown>;
  },
): Promise<void> {
  await suppressMany(
    tx,
    lowered(input.addresses).map((address) => ({ ...input, address })),
  );
}
