/**
 * What the operator panel reads: every tenant's state, volume, rates and share of the account's
 * bounces; whether feedback is arriving; the latest events. Rollups and indexed reads only.
 */
import { sql } from "drizzle-orm";
import { db } from "@/db/client";
import { env } from "@/lib/env";
import { findTenantBySlug } from "@/lib/tenants/tenants";
import { TENANT_LINES, judgeRate, type JudgedRate } from "./judge";
import { NO_TENANT } from "./rollup";
import type { Breaker } from "./window";

const num = (v: unknown) => Number(v ?? 0);

export type TenantRow = {
  id: string;
  slug: string;
  name: string;
  breaker: Breaker;
  pausedBy: "breaker" | "operator" | null;
  breakerReason: string | null;
  sends: number;
  hardBounces: number;
  complaints: number;
  bounce: JudgedRate;
  /** This tenant's part of the account's hard bounces over the last 24 hours. */
  share: number;
  held: number;
};

/** Every tenant with its last 24 hours, state and held mail, in one query. */
export async function tenantTable(): Promise<TenantRow[]> {
  const rows = await db.execute<{
    id: string;
    slug: string;
    name: string;
    breaker: Breaker | null;
    changed_by: string | null;
    reason: string | null;
    sends: number;
    bounces: number;
    complaints: number;
    total_bounces: number;
    held: number;
  }>(sql`
    with day as (
      select tenant_id, sum(sends) as sends, sum(hard_bounces) as bounces, sum(complaints) as complaints
        from mail_stats_hourly where hour >= now() - interval '24 hours' group by tenant_id
    ), held as (
      select tenant_id, count(*) as n from outbound_emails where status = 'held' group by tenant_id
    )
    select t.id, t.slug, t.name, s.breaker, s.breaker_changed_by as changed_by, s.breaker_reason as reason,
           coalesce(d.sends, 0)::int as sends, coalesce(d.bounces, 0)::int as bounces,
           coalesce(d.complaints, 0)::int as complaints,
           (select coalesce(sum(bounces), 0) from day)::int as total_bounces,
           coalesce(h.n, 0)::int as held
      from tenants t
      left join tenant_mail_state s on s.tenant_id = t.id
      left join day d on d.tenant_id = t.id
      left join held h on h.tenant_id = t.id
     order by t.name`);
  return rows.map((r) => {
    const breaker = r.breaker ?? "closed";
    return {
      id: r.id,
      slug: r.slug,
      name: r.name,
      breaker,
      pausedBy:
        breaker === "open"
          ? r.changed_by?.startsWith("operator:")
            ? "operator"
            : "breaker"
          : null,
      breakerReason: r.reason,
      sends: num(r.sends),
      hardBounces: num(r.bounces),
      complaints: num(r.complaints),
      bounce: judgeRate(num(r.bounces), num(r.sends), TENANT_LINES.bounce),
      share: num(r.total_bounces) > 0 ? num(r.bounces) / num(r.total_bounces) : 0,
      held: num(r.held),
    };
  });
}

export type RateSeriesPoint = {
  at: string;
  sends: number;
  bounceRate: number | null;
  complaintRate: number | null;
};

/** The account's rates hour by hour over the last `hours` (each over that hour's sends). */
export async function accountRateSeries(hours = 72): Promise<RateSeriesPoint[]> {
  const rows = await db.execute<{
    at: string;
    sends: number;
    bounces: number;
    complaints: number;
  }>(sql`
    with slots as (
      select generate_series(date_trunc('hour', now()) - ${`${hours - 1} hours`}::interval,
                             date_trunc('hour', now()), interval '1 hour') as at
    ), counts as (
      select hour as at, sum(sends) as sends, sum(hard_bounces) as bounces, sum(complaints) as complaints
        from mail_stats_hourly where hour >= date_trunc('hour', now()) - ${`${hours - 1} hours`}::interval
       group by hour
    )
    select to_char(s.at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:00') as at,
           coalesce(c.sends, 0)::int as sends, coalesce(c.bounces, 0)::int as bounces,
           coalesce(c.complaints, 0)::int as complaints
      from slots s left join counts c on c.at = s.at order by s.at`);
  return rows.map((r) => ({
    at: r.at,
    sends: num(r.sends),
    bounceRate: num(r.sends) > 0 ? num(r.bounces) / num(r.sends) : null,
    complaintRate: num(r.sends) > 0 ? num(r.complaints) / num(r.sends) : null,
  }));
}

export type TopicHealth = {
  topicArn: string;
  confirmed: boolean;
  unsubscribed: boolean;
  lastEventAt: Date | null;
};

/**
 * Whether SES's feedback is arriving: each configured topic's subscription and last event, and a
 * warning when mail went out in the last hour but no event came back (SES is not publishing, or the
 * subscription broke: unconfirmed mail then times out after 30 minutes and hides its bounces).
 */
export async function feedbackHealth() {
  const topics = env().SNS_TOPIC_ARNS;
  const perTopic = await Promise.all(
    topics.map(async (topicArn): Promise<TopicHealth> => {
      const [sub] = await db.execute<{ type: string; confirmed: boolean }>(sql`
        select type, confirmed_at is not null as confirmed from sns_subscriptions
         where topic_arn = ${topicArn} order by received_at desc, id desc limit 1`);
      const [last] = await db.execute<{ at: string | null }>(sql`
        select max(received_at) as at from ses_events where topic_arn = ${topicArn}`);
      return {
        topicArn,
        confirmed: sub?.type === "SubscriptionConfirmation" && sub.confirmed === true,
        unsubscribed: sub?.type === "UnsubscribeConfirmation",
        lastEventAt: last?.at ? new Date(last.at) : null,
      };
    }),
  );
  const [activity] = await db.execute<{ sent: number; last_event: string | null }>(sql`
    select (select count(*) from outbound_emails where sent_at > now() - interval '1 hour')::int as sent,
           (select received_at from ses_events order by id desc limit 1) as last_event`);
  const sentLastHour = num(activity?.sent);
  const lastEventAt = activity?.last_event ? new Date(activity.last_event) : null;
  const silent =
    sentLastHour > 0 && (lastEventAt === null || lastEventAt.getTime() < Date.now() - 3_600_000);
  return { topics: perTopic, sentLastHour, lastEventAt, silent };
}

export type EventRow = {
  id: number;
  receivedAt: string;
  eventType: string;
  bounceType: string | null;
  bounceSubType: string | null;
  recipients: string[];
  tenantSlug: string | null;
  tenantName: string | null;
  ours: boolean;
  /** Stored but not applied yet: which mail it is about is not known yet. */
  applied: boolean;
  /** Its apply failed every attempt: the operator panel shows why. */
  parked: boolean;
  /** Copies of the same SES event that arrived under other SNS MessageIds. */
  duplicates: number;
};

export const EVENT_TYPES = [
  "Delivery",
  "Bounce",
  "Complaint",
  "Send",
  "Reject",
  "DeliveryDelay",
] as const;

/** The latest events, newest first, of one tenant ("none" for mail that is not ours) or type. */
export async function latestEvents(
  filter: { tenant?: string; type?: string },
  limit = 50,
): Promise<EventRow[]> {
  const tenantId =
    filter.tenant && filter.tenant !== "none"
      ? ((await findTenantBySlug(filter.tenant))?.id ?? NO_TENANT)
      : null;
  const tenant =
    filter.tenant === "none"
      ? sql`and e.tenant_id is null`
      : tenantId
        ? sql`and e.tenant_id = ${tenantId}`
        : sql``;
  const type = filter.type ? sql`and e.event_type = ${filter.type}` : sql``;
  // The newest ids first, alone: an index-only scan of (tenant_id, id) or (event_type, id). Asked
  // for the whole rows at once, the planner walks the primary key backwards and filters, which
  // reads every event when a tenant's newest are old (seen: 40 ms at 500,000 events).
  const rows = await db.execute<EventRow & { id: string }>(sql`
    with newest as materialized (
      select id from ses_events e where true ${tenant} ${type} order by id desc limit ${limit}
    )
    select e.id, to_char(e.received_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS') as "receivedAt",
           e.event_type as "eventType", e.bounce_type as "bounceType",
           e.bounce_sub_type as "bounceSubType", e.recipients, t.slug as "tenantSlug",
           t.name as "tenantName", e.outbound_email_id is not null as ours,
           e.applied_at is not null as applied, e.parked_at is not null as parked,
           cardinality(e.duplicate_sns_ids) as duplicates
      from newest n join ses_events e on e.id = n.id left join tenants t on t.id = e.tenant_id
     order by e.id desc`);
  return rows.map((r) => ({ ...r, id: Number(r.id), duplicates: Number(r.duplicates) }));
}

/** Not one of ours: feedback about mail another sender on the account sent. */
export const isForeign = (tenantId: string | null) => tenantId === null || tenantId === NO_TENANT;
