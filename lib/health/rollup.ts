/**
 * The one owner of `mail_stats_hourly`: each tenant's mail by hour and category, what the health
 * pages and the operator panel read instead of scanning the outbox and the events (their cost must
 * not grow with history). Sends are counted by the dispatcher as they leave (SES's own Send events
 * would count them twice); deliveries, bounces and complaints by the feedback as it arrives.
 */
import { pgOf, type Executor } from "@/db/client";

/** The zero uuid stands for "not one of our tenants" (mail another sender on the account sent). */
export const NO_TENANT = "00000000-0000-0000-0000-000000000000";

export const ROLLUP_COLUMNS = [
  "sends",
  "deliveries",
  "hard_bounces",
  "soft_bounces",
  "complaints",
  "rejects",
  "delays",
] as const;
export type RollupColumn = (typeof ROLLUP_COLUMNS)[number];

export type RollupEntry = {
  at: Date;
  tenantId: string | null;
  category: string;
  column: RollupColumn;
  n?: number;
};

const hourOf = (at: Date) => new Date(Math.floor(at.getTime() / 3_600_000) * 3_600_000);

/** Adds to the hourly counts; entries for the same hour, tenant and category go in as one row. */
export async function addToRollup(tx: Executor, entries: readonly RollupEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const rows = new Map<
    string,
    { hour: string; tenantId: string; category: string } & Record<RollupColumn, number>
  >();
  for (const e of entries) {
    const hour = hourOf(e.at).toISOString();
    const tenantId = e.tenantId ?? NO_TENANT;
    const key = `${hour} ${tenantId} ${e.category}`;
    let row = rows.get(key);
    if (!row) {
      row = {
        hour,
        tenantId,
        category: e.category,
        ...Object.fromEntries(ROLLUP_COLUMNS.map((c) => [c, 0])),
      } as never;
      rows.set(key, row!);
    }
    row![e.column] += e.n ?? 1;
  }
  const list = [...rows.values()];
  const column = (c: RollupColumn) => list.map((r) => r[c]);
  // Sorted, so concurrent writers take the rows' locks in one order.
  list.sort((a, b) =>
    a.hour + a.tenantId + a.category < b.hour + b.tenantId + b.category ? -1 : 1,
  );
  // postgres.js, prepared: the feedback applier and the dispatcher run this once a batch.
  await pgOf(tx)`
    insert into mail_stats_hourly (hour, tenant_id, category, sends, deliveries, hard_bounces,
                                   soft_bounces, complaints, rejects, delays)
    select * from unnest(${list.map((r) => r.hour)}::text[]::timestamptz[],
                         ${list.map((r) => r.tenantId)}::uuid[],
                         ${list.map((r) => r.category)}::text[],
                         ${column("sends")}::int[], ${column("deliveries")}::int[],
                         ${column("hard_bounces")}::int[], ${column("soft_bounces")}::int[],
                         ${column("complaints")}::int[], ${column("rejects")}::int[],
                         ${column("delays")}::int[])
    on conflict (hour, tenant_id, category) do update set
      sends = mail_stats_hourly.sends + excluded.sends,
      deliveries = mail_stats_hourly.deliveries + excluded.deliveries,
      hard_bounces = mail_stats_hourly.hard_bounces + excluded.hard_bounces,
      soft_bounces = mail_stats_hourly.soft_bounces + excluded.soft_bounces,
      complaints = mail_stats_hourly.complaints + excluded.complaints,
      rejects = mail_stats_hourly.rejects + excluded.rejects,
      delays = mail_stats_hourly.delays + excluded.delays`;
}
