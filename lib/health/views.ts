/**
 * What the send-health pages read, for one tenant: its state in words, its rates against their
 * lines, its share of the account's bounces, the series for the charts, its mail by state, and the
 * addresses that bounced. From the rollups and a few indexed counts: the cost does not grow with
 * history.
 */
import { sql } from "drizzle-orm";
import { db } from "@/db/client";
import { loadAccount } from "@/lib/mail/account";
import { ACCOUNT_LINES, judgeRate, TENANT_LINES, type JudgedRate } from "./judge";
import { accountCounts } from "./rates";
import { describeSendState, type SendState } from "./state";
import type { GuardLevel } from "./account-guard";
import { readTenantState } from "./tenant-state";
import { bounceStats } from "./window";

const num = (v: unknown) => Number(v ?? 0);

/** A tenant's state in words, from a few cheap reads: what the banner on every admin page shows. */
export async function sendStateOf(tenantId: string): Promise<SendState> {
  // The held mail by reason and the mail in flight in one statement (each branch by its own index):
  // every admin page reads this for its banner, and each statement costs the page CPU of its own.
  const [row, account, counts] = await Promise.all([
    readTenantState(db, tenantId),
    loadAccount(db),
    db.execute<{ reason: string | null; n: number }>(sql`
      select coalesce(reason, 'unknown') as reason, count(*)::int as n from outbound_emails
       where tenant_id = ${tenantId} and status = 'held' group by reason
      union all
      select null, count(*)::int from outbound_emails
       where tenant_id = ${tenantId} and confirm_by > now()`),
  ]);
  const flight = counts.find((c) => c.reason === null);
  const heldBy = Object.fromEntries(
    counts.filter((c) => c.reason !== null).map((h) => [h.reason, num(h.n)]),
  );
  const now = Date.now();
  return describeSendState({
    breaker: row.breaker,
    breakerReason: row.breakerReason,
    breakerChangedAt: row.breakerChangedAt,
    breakerChangedBy: row.breakerChangedBy,
    window: row.window,
    inFlight: num(flight?.n),
    held: heldBy,
    account: {
      sesPaused:
        account.sendingEnabled === false ||
        (account.pausedUntil !== null && account.pausedUntil.getTime() > now),
      bulkStoppedAt: account.bulkStoppedAt,
      bulkStoppedReason: account.bulkStoppedReason,
      guard: account.guardLevel as GuardLevel,
      // What the guard holds now, not the level it last recorded: that is written only while mail
      // is being decided, and would say "stopped" long after the rate fell.
      guardStopsTenant: (heldBy.account_guard ?? 0) > 0,
      guardReason: account.guardReason,
    },
  });
}

export type Totals = { sends: number; deliveries: number; hardBounces: number; complaints: number };

const totalsOf = (row: Record<string, unknown> | undefined, prefix: string): Totals => ({
  sends: num(row?.[`${prefix}_sends`]),
  deliveries: num(row?.[`${prefix}_deliveries`]),
  hardBounces: num(row?.[`${prefix}_bounces`]),
  complaints: num(row?.[`${prefix}_complaints`]),
});

export type RateView = { bounce: JudgedRate; complaint: JudgedRate; totals: Totals };

const judged = (t: Totals, lines: typeof TENANT_LINES | typeof ACCOUNT_LINES): RateView => ({
  bounce: judgeRate(t.hardBounces, t.sends, lines.bounce),
  complaint: judgeRate(t.complaints, t.sends, lines.complaint),
  totals: t,
});

/** The tenant's rates over the last 24 hours and 30 days (rollups) and its last resolved bulk mails. */
export async function tenantRates(tenantId: string) {
  const [row] = await db.execute(sql`
    select
      sum(sends) filter (where hour >= now() - interval '24 hours') as day_sends,
      sum(deliveries) filter (where hour >= now() - interval '24 hours') as day_deliveries,
      sum(hard_bounces) filter (where hour >= now() - interval '24 hours') as day_bounces,
      sum(complaints) filter (where hour >= now() - interval '24 hours') as day_complaints,
      sum(sends) as month_sends, sum(deliveries) as month_deliveries,
      sum(hard_bounces) as month_bounces, sum(complaints) as month_complaints
    from mail_stats_hourly
    where tenant_id = ${tenantId} and hour >= now() - interval '30 days'`);
  const { recentOutcomes } = await readTenantState(db, tenantId);
  const ring = bounceStats(recentOutcomes);
  const complaints = [...recentOutcomes].filter((c) => c === "c").length;
  return {
    day: judged(totalsOf(row, "day"), TENANT_LINES),
    month: judged(totalsOf(row, "month"), TENANT_LINES),
    recent: {
      bounce: judgeRate(ring.hardBounces, ring.resolved, TENANT_LINES.bounce),
      complaint: judgeRate(complaints, ring.resolved, TENANT_LINES.complaint),
    },
  };
}

/** The account's rates: over its last 10,000 sends (as SES and the guard judge them) and 24 hours. */
export async function accountRates() {
  const counts = await accountCounts(db);
  const toTotals = (c: { sends: number; hardBounces: number; complaints: number }): Totals => ({
    ...c,
    deliveries: 0,
  });
  return {
    representative: judged(toTotals(counts.representative), ACCOUNT_LINES),
    day: judged(toTotals(counts.lastDay), ACCOUNT_LINES),
    counts,
  };
}

/** Each tenant's share of the account's hard bounces over the last 24 hours (rollups). */
export async function bounceShares(): Promise<Map<string, { bounces: number; share: number }>> {
  const rows = await db.execute<{ tenantId: string; bounces: number; total: number }>(sql`
    select tenant_id as "tenantId", sum(hard_bounces)::int as bounces,
           sum(sum(hard_bounces)) over ()::int as total
      from mail_stats_hourly where hour >= now() - interval '24 hours'
     group by tenant_id`);
  return new Map(
    rows.map((r) => [
      r.tenantId,
      { bounces: num(r.bounces), share: num(r.total) > 0 ? num(r.bounces) / num(r.total) : 0 },
    ]),
  );
}

export type SeriesPoint = {
  at: string;
  sent: number;
  delivered: number;
  bounced: number;
  complained: number;
};

/** Daily for the last `days` days, or hourly for the last `hours`, for one tenant or the account. */
export async function series(
  tenantId: string | null,
  span: { days: number } | { hours: number },
): Promise<SeriesPoint[]> {
  const byDay = "days" in span;
  const unit = byDay ? "day" : "hour";
  const count = byDay ? span.days : span.hours;
  // In UTC throughout, whatever the server's time zone: the labels say UTC.
  const utcNow = sql`date_trunc(${unit}, now() at time zone 'UTC')`;
  const from = sql`${utcNow} - ${`${count - 1} ${unit}s`}::interval`;
  const rows = await db.execute<SeriesPoint>(sql`
    with slots as (
      select generate_series(${from}, ${utcNow}, ${`1 ${unit}`}::interval) as at
    ), counts as (
      select date_trunc(${unit}, hour at time zone 'UTC') as at, sum(sends)::int as sent,
             sum(deliveries)::int as delivered, sum(hard_bounces)::int as bounced,
             sum(complaints)::int as complained
        from mail_stats_hourly
       where hour >= (${from}) at time zone 'UTC'
         ${tenantId ? sql`and tenant_id = ${tenantId}` : sql``}
       group by 1
    )
    select to_char(s.at, ${byDay ? "YYYY-MM-DD" : 'YYYY-MM-DD"T"HH24:00'}) as at,
           coalesce(c.sent, 0) as sent, coalesce(c.delivered, 0) as delivered,
           coalesce(c.bounced, 0) as bounced, coalesce(c.complained, 0) as complained
      from slots s left join counts c on c.at = s.at
     order by s.at`);
  return rows.map((r) => ({
    at: r.at,
    sent: num(r.sent),
    delivered: num(r.delivered),
    bounced: num(r.bounced),
    complained: num(r.complained),
  }));
}

export type StateCount = { status: string; reason: string | null; n: number };

/** The tenant's mail that has not gone, or not arrived, by state and reason. */
export async function mailByState(tenantId: string): Promise<StateCount[]> {
  const rows = await db.execute<StateCount>(sql`
    select status, reason, count(*)::int as n from outbound_emails
     where tenant_id = ${tenantId} and status in ('queued', 'held', 'sending', 'blocked', 'failed')
     group by status, reason
     order by status, count(*) desc`);
  return rows.map((r) => ({ ...r, n: num(r.n) }));
}

export type BouncedAddress = {
  mailId: number;
  memberId: string | null;
  loginId: string | null;
  name: string | null;
  /** Where the mail went. */
  address: string;
  /** The member's address now: changed, or gone, once the admin fixed it. */
  currentEmail: string | null;
  bouncedAt: string;
  diagnostic: string | null;
};

/** The tenant's hard-bounced bulk mail of the last `days` days, newest first: what to fix before resuming. */
export async function bouncedAddresses(
  tenantId: string,
  days = 7,
  limit = 200,
): Promise<BouncedAddress[]> {
  const rows = await db.execute<BouncedAddress & { mailId: string }>(sql`
    select o.id as "mailId", o.member_id as "memberId", u.login_id as "loginId", u.name,
           o.to_address as address, u.email as "currentEmail",
           to_char(o.resolved_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI') as "bouncedAt",
           (select e.payload->'bounce'->'bouncedRecipients'->0->>'diagnosticCode'
              from ses_events e where e.outbound_email_id = o.id and e.event_type = 'Bounce'
              order by e.id desc limit 1) as diagnostic
      from outbound_emails o
      left join users u on u.id = o.member_id and u.tenant_id = o.tenant_id
     where o.tenant_id = ${tenantId} and o.status = 'bounced' and o.lane = 'bulk'
       and o.resolved_at > now() - ${`${days} days`}::interval
     order by o.resolved_at desc
     limit ${limit}`);
  return rows.map((r) => ({ ...r, mailId: Number(r.mailId) }));
}

/** How far the account is from SES's review line, and the tenant's part in it. */
export async function tenantHealthView(tenantId: string) {
  const [state, rates, account, shares, daily, hourly, byState, bounced] = await Promise.all([
    sendStateOf(tenantId),
    tenantRates(tenantId),
    accountRates(),
    bounceShares(),
    series(tenantId, { days: 30 }),
    series(tenantId, { hours: 24 }),
    mailByState(tenantId),
    bouncedAddresses(tenantId),
  ]);
  return {
    state,
    rates,
    account,
    share: shares.get(tenantId) ?? { bounces: 0, share: 0 },
    daily,
    hourly,
    byState,
    bounced,
  };
}

export type TenantHealthView = Awaited<ReturnType<typeof tenantHealthView>>;
