/**
 * bench:health — the queries of the tenant send-health page and the operator panel, at full size
 * (5,000,000 SES events and 1,000,000 outbox rows across 50 tenants over 30 days, their rollups
 * and suppressions) and, in the same run, on a database of the same shape with 50,000 events. The
 * cost must not grow with history (rollups, not scans): the limit is the small database's worst
 * p95, the ratio full / small. `-- --quick` builds a tenth of the full size.
 *
 * Each query is called sequentially with the real lib functions, for varying tenants, and timed
 * end to end from this process (driver and network included).
 */
import postgres from "postgres";
import { migrateDatabase } from "@/db/migrate";
import { databaseUrl } from "../lib/embedded-postgres";
import { benchDatabase, machine, percentile, quick, report, runBench } from "./common";

const TENANTS = 50;
const FULL = quick ? { events: 500_000, mails: 100_000 } : { events: 5_000_000, mails: 1_000_000 };
const SMALL = { events: 50_000, mails: 10_000 };
const RUNS = quick ? 40 : 80;

/** Fills a migrated database with `mails` outbox rows and `events` SES events over 30 days. */
async function populate(url: string, size: { events: number; mails: number }): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  const started = performance.now();
  await sql`insert into tenants (slug, name)
    select 'bench-' || i, 'Bench School ' || i from generate_series(1, ${TENANTS}) i`;
  // 200 members a tenant, every one with an address; the outbox's mails go to them.
  await sql`
    insert into users (tenant_id, role, login_id, name, email, email_status, status)
    select t.id, 'learner', 'member.' || i, 'Member ' || i, 'm' || i || '@' || t.slug || '.example.com',
           'ok', 'active'
      from tenants t, generate_series(1, 200) i`;
  await sql`
    create temporary table bench_members as
    select u.id, u.tenant_id, u.email, t.k,
           row_number() over (partition by u.tenant_id order by u.id) as n
      from users u
      join (select id, row_number() over (order by slug) - 1 as k from tenants) t on t.id = u.tenant_id`;
  // The outbox: 30 days of mail, most delivered, 3% bounced, 0.1% complained, 2% still waiting.
  await sql`
    insert into outbound_emails (tenant_id, member_id, category, lane, to_address, template, params,
                                 status, reason, attempts, next_attempt_at, ses_message_id, sent_at,
                                 resolved_at, created_at, confirm_by)
    select m.tenant_id, m.id, c.category::mail_category,
           (case when c.category in ('password_reset', 'login_code') then 'transactional' else 'bulk' end)::mail_lane,
           m.email, c.category, '{}'::jsonb, s.status::mail_status,
           case s.status when 'bounced' then 'bounce:NoEmail' when 'held' then 'tenant_paused'
                         when 'blocked' then 'suppressed' when 'failed' then 'MessageRejected' end,
           case when s.status in ('queued', 'held', 'blocked') then 0 else 1 end,
           now() + interval '10 minutes',
           case when s.status not in ('queued', 'held', 'blocked') then 'bench-' || g end,
           case when s.status not in ('queued', 'held', 'blocked') then g.at end,
           case when s.status in ('delivered', 'bounced', 'complained', 'failed') then g.at + interval '5 seconds' end,
           g.at,
           case when s.status = 'sent' and g.at > now() - interval '30 minutes' then g.at + interval '30 minutes' end
      from (select i as g, now() - (random() * interval '30 days') as at, (i % ${TENANTS}) as t, i % 200 + 1 as member
              from generate_series(1, ${size.mails}) i) g
      join lateral (select (array['invitation','message_notice','announcement','password_reset'])[1 + (g.g % 4)] as category) c on true
      join lateral (select case
             when g.g % 1000 = 7 then 'complained'
             when g.g % 100 < 3 then 'bounced'
             when g.g % 100 = 3 then 'held'
             when g.g % 100 = 4 then 'queued'
             when g.g % 200 = 5 then 'blocked'
             when g.g % 500 = 6 then 'failed'
             when g.g % 100 = 8 then 'sent'
             else 'delivered' end as status) s on true
      join bench_members m on m.k = g.t and m.n = g.member`;
  // The events: a delivery, bounce or complaint per sent mail, one in five a Send, 1% not ours.
  await sql`
    create temporary table bench_sent as
    select id, row_number() over (order by id) as n from outbound_emails where sent_at is not null`;
  await sql`create index on bench_sent (n)`;
  await sql`
    insert into ses_events (sns_message_id, topic_arn, event_type, ses_message_id, outbound_email_id,
                            tenant_id, recipients, bounce_type, bounce_sub_type, occurred_at, received_at, payload,
                            event_key, applied_at)
    select 'sns-' || e.i, 'arn:aws:sns:us-east-1:000000000000:bench', k.kind,
           case when e.foreign then 'foreign-' || e.i else o.ses_message_id end,
           case when not e.foreign then o.id end, case when not e.foreign then o.tenant_id end,
           array[o.to_address],
           case when k.kind = 'Bounce' then 'Permanent' end, case when k.kind = 'Bounce' then 'NoEmail' end,
           o.sent_at + interval '3 seconds', o.sent_at + interval '4 seconds',
           case when k.kind = 'Bounce'
                then jsonb_build_object('bounce', jsonb_build_object('bouncedRecipients',
                       jsonb_build_array(jsonb_build_object('emailAddress', o.to_address,
                         'diagnosticCode', 'smtp; 550 5.1.1 The email account does not exist'))))
                else '{}'::jsonb end,
           -- Each its own SES event, applied a second after it arrived (as the applier leaves them).
           'bench:' || e.i, o.sent_at + interval '5 seconds'
      from (select i, i % 100 = 99 as foreign, i % 5 = 0 as send,
                   (i % (select count(*) from bench_sent)) + 1 as n
              from generate_series(1, ${size.events}) i) e
      join bench_sent b on b.n = e.n
      join outbound_emails o on o.id = b.id
      cross join lateral (select case
             when e.send then 'Send'
             when o.status = 'bounced' then 'Bounce'
             when o.status = 'complained' then 'Complaint'
             else 'Delivery' end as kind) k`;
  // The rollups, as the dispatcher and the feedback keep them.
  await sql`
    insert into mail_stats_hourly (hour, tenant_id, category, sends, deliveries, hard_bounces, complaints)
    select date_trunc('hour', sent_at), tenant_id, category::text, count(*),
           count(*) filter (where status = 'delivered'), count(*) filter (where status = 'bounced'),
           count(*) filter (where status = 'complained')
      from outbound_emails where sent_at is not null group by 1, 2, 3`;
  await sql`
    insert into suppressions (scope, tenant_id, address, reason, detail)
    select s.scope::suppression_scope, case when s.scope = 'tenant' then o.tenant_id end, lower(o.to_address),
           'bounce', '{}'::jsonb
      from (select distinct tenant_id, to_address from outbound_emails where status = 'bounced') o
      cross join (values ('account'), ('tenant')) s(scope)
    on conflict do nothing`;
  await sql`insert into account_mail_state (id, checked_at, sending_enabled) values (1, now(), true)
    on conflict (id) do nothing`;
  await sql`insert into tenant_mail_state (tenant_id, "window", breaker, recent_outcomes)
    select id, 25, 'closed', repeat('d', 190) || repeat('b', 10) from tenants`;
  const [counts] = await sql<{ events: number; mails: number }[]>`
    select (select count(*) from ses_events)::int as events, (select count(*) from outbound_emails)::int as mails`;
  await sql`vacuum analyze`;
  console.log(
    `  built ${counts!.mails.toLocaleString("en")} outbox rows and ${counts!.events.toLocaleString("en")} events in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  await sql.end();
}

type Timed = { name: string; p50: number; p95: number };

/** Times every query of the two pages against the database DATABASE_URL names now. */
async function timeQueries(url: string): Promise<Timed[]> {
  process.env.DATABASE_URL = url;
  const { db } = await import("@/db/client");
  const { sql } = await import("drizzle-orm");
  const views = await import("@/lib/health/views");
  const ops = await import("@/lib/health/operator");
  const { tenantSuppressions } = await import("@/lib/suppressions/manage");
  const { memberMail, mailInState } = await import("@/lib/mail/history");
  const applier = await import("@/lib/feedback/applier");
  const tenants = await db.execute<{ id: string; slug: string }>(
    sql`select id, slug from tenants order by slug`,
  );
  const members = await db.execute<{ id: string; tenant_id: string }>(
    sql`select distinct on (tenant_id) id, tenant_id from users order by tenant_id, id`,
  );
  const memberOf = new Map(members.map((m) => [m.tenant_id, m.id]));
  const t = (i: number) => tenants[i % tenants.length]!;
  const queries: [string, (i: number) => Promise<unknown>][] = [
    ["banner: sendStateOf", (i) => views.sendStateOf(t(i).id)],
    ["tenantRates", (i) => views.tenantRates(t(i).id)],
    ["accountRates", () => views.accountRates()],
    ["bounceShares", () => views.bounceShares()],
    ["series 30 days", (i) => views.series(t(i).id, { days: 30 })],
    ["series 24 hours", (i) => views.series(t(i).id, { hours: 24 })],
    ["mailByState", (i) => views.mailByState(t(i).id)],
    ["bouncedAddresses", (i) => views.bouncedAddresses(t(i).id)],
    [
      "mail in a state",
      (i) => mailInState(t(i).id, { status: "held", reason: "tenant_paused" }, 1),
    ],
    ["member mail history", (i) => memberMail(t(i).id, memberOf.get(t(i).id)!)],
    ["suppressions page", (i) => tenantSuppressions(t(i).id, { page: 1 })],
    ["ops: tenantTable", () => ops.tenantTable()],
    ["ops: accountRateSeries", () => ops.accountRateSeries(72)],
    ["ops: feedbackHealth", () => ops.feedbackHealth()],
    ["ops: applierBacklog", () => applier.applierBacklog()],
    ["ops: parkedEvents", () => applier.parkedEvents(20)],
    ["ops: latestEvents", () => ops.latestEvents({})],
    ["ops: latestEvents by tenant", (i) => ops.latestEvents({ tenant: t(i).slug })],
    ["ops: latestEvents by type", () => ops.latestEvents({ type: "Complaint" })],
  ];
  const results: Timed[] = [];
  for (const [name, run] of queries) {
    for (let i = 0; i < 3; i++) await run(i); // warm the plan cache and the buffers
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const start = performance.now();
      await run(i);
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    results.push({ name, p50: percentile(times, 0.5), p95: percentile(times, 0.95) });
  }
  return results;
}

async function main() {
  console.log(
    `bench:health: ${FULL.events.toLocaleString("en")} events and ${FULL.mails.toLocaleString("en")} outbox rows across ${TENANTS} tenants, against ${SMALL.events.toLocaleString("en")} events; ${machine()}`,
  );
  const full = await benchDatabase();
  const server = full.url.replace(/\/[^/]+$/, "");
  const admin = postgres(`${server}/postgres`, { max: 1, onnotice: () => {} });
  const smallName = `sendwell_bench_small_${Date.now()}`;
  await admin.unsafe(`create database "${smallName}"`);
  const smallUrl = databaseUrl(server, smallName);
  try {
    await migrateDatabase(smallUrl);
    process.env.SNS_TOPIC_ARNS = "arn:aws:sns:us-east-1:000000000000:bench";
    console.log("small database:");
    await populate(smallUrl, SMALL);
    console.log("full database:");
    await populate(full.url, FULL);
    const small = await timeQueries(smallUrl);
    const { closeDb } = await import("@/db/client");
    await closeDb();
    const big = await timeQueries(full.url);
    await closeDb();
    console.log(
      `  ${"query".padEnd(30)} ${"p50 / p95 full".padStart(18)} ${"p50 / p95 small".padStart(18)}`,
    );
    big.forEach((q, i) => {
      const s = small[i]!;
      console.log(
        `  ${q.name.padEnd(30)} ${`${q.p50.toFixed(1)} / ${q.p95.toFixed(1)} ms`.padStart(18)} ${`${s.p50.toFixed(1)} / ${s.p95.toFixed(1)} ms`.padStart(18)}`,
      );
    });
    const worst = big.reduce((a, b) => (b.p95 > a.p95 ? b : a));
    const worstSmall = small.reduce((a, b) => (b.p95 > a.p95 ? b : a));
    report({
      bench: "health",
      value: worst.p95,
      unit: "ms p95, worst query",
      limit: worstSmall.p95,
      ratio: worst.p95 / worstSmall.p95,
      n: RUNS,
      worst: worst.name,
      events: FULL.events,
      outbox: FULL.mails,
      small_events: SMALL.events,
    });
  } finally {
    await admin.unsafe(`drop database if exists "${smallName}" with (force)`);
    await admin.end();
    await full.cleanup();
  }
}

runBench(main);
