/**
 * bench:webhook — 20,000 signed SNS notifications (10% of them repeats: half the same SNS message,
 * half the same SES event under another MessageId) for 10 tenants' sent mail, at concurrency 32.
 * Two figures, each with its limit measured in the same run:
 * - receipt: requests/s through the app's own server (`npm start`, scripts/server.ts: the webhook
 *   before Next.js on the app's port; applier off), against a bare node:http server doing the same
 *   receipt (verify, one insert); the database is checked exact after each. Also the standalone
 *   receiver (`npm run receiver`) as an extra figure: `receipt_standalone` and its ratio to the bare
 *   server, `receipt_standalone_ratio`;
 * - apply: events/s one applier applies (the last receipt run's backlog), against a COPY of the same event
 *   rows into a table like ses_events; then the outcome is checked exact (mail states,
 *   suppressions, rollups, windows).
 * And end to end: the app's server with its applier on, from the last answer to the last event
 * applied (the webhook wakes the applier as in `npm start`).
 * `-- --quick` posts 2,000. Each server's CPU time a notification (from /proc) is reported too: it
 * is far less disturbed by other work on the machine than the rates. BENCH_CPU_PROF=<dir> writes a
 * V8 CPU profile of each server (`tsx scripts/bench/cpuprofile.ts <file>` summarises it);
 * `npm run bench:webhook-floor` measures what next start costs around an empty route (why the app
 * server answers the webhook before Next.js).
 */
import type { ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import type { Database } from "@/db/client";
import * as schema from "@/db/schema";
import { applyPending } from "@/lib/feedback/applier";
import { SIMULATOR_TOPIC_ARN } from "@/sim/feedback-simulator";
import { createSigningIdentity } from "@/sim/sns-signing";
import { freePort } from "../lib/embedded-postgres";
import { run, stopGroup } from "../lib/processes";
import {
  appServerArgs,
  appServerEnv,
  benchAppEnv,
  benchDatabase,
  cpuMs,
  cpuProfileArgs,
  machine,
  percentile,
  quick,
  report,
  runBench,
  startServer,
} from "./common";
import { load, makeTraffic, type BenchMail, type LoadResult } from "./webhook-data";

const TOTAL = quick ? 2_000 : 20_000;
const UNIQUE = Math.round(TOTAL / 1.1); // the rest are repeats
const CONCURRENCY = 32;
const TENANTS = 10;

async function main() {
  const { url: databaseUrl, cleanup } = await benchDatabase();
  const sql = postgres(databaseUrl, { max: 4, onnotice: () => {} });
  const children: ChildProcess[] = [];
  try {
    const tenantRows = await sql`
      insert into tenants (slug, name)
      select 'bench-' || g, 'Bench ' || g from generate_series(1, ${TENANTS}) g returning id`;
    const mails: BenchMail[] = Array.from({ length: UNIQUE }, (_, i) => ({
      ses: `bench-${i}-${randomUUID()}`,
      to: `m${i}@school.example.com`,
      tenant: tenantRows[i % tenantRows.length]!.id as string,
    }));
    for (let i = 0; i < mails.length; i += 5_000) {
      const chunk = mails.slice(i, i + 5_000);
      // Tooling: sent bulk mail as the dispatcher leaves it, written directly for speed.
      await sql`
        insert into outbound_emails (tenant_id, category, lane, to_address, template, params, status,
                                     ses_message_id, sent_at, confirm_by)
        select t.tenant, 'message_notice', 'bulk', t.addr, 'message_notice', '{}'::jsonb, 'sent', t.ses,
               now(), now() + interval '30 minutes'
          from unnest(${chunk.map((c) => c.to)}::text[], ${chunk.map((c) => c.ses)}::text[],
                      ${chunk.map((c) => c.tenant)}::uuid[]) as t(addr, ses, tenant)`;
    }
    await sql`vacuum analyze outbound_emails`;
    const reset = async () => {
      await sql`truncate ses_events, suppressions, mail_stats_hourly, confirmed_addresses, tenant_mail_state`;
      await sql`update outbound_emails set status = 'sent', reason = null, resolved_at = null,
                       confirm_by = now() + interval '30 minutes'`;
      await sql`vacuum analyze ses_events, outbound_emails`;
    };

    // Signed up front, as SNS would have: both signature versions.
    const identity = createSigningIdentity();
    const traffic = makeTraffic(mails, TOTAL, identity.privateKeyPem);
    const { expected } = traffic;

    await mkdir(".data", { recursive: true });
    const certFile = ".data/bench-sns-cert.pem";
    await writeFile(certFile, identity.certificatePem);
    const env = (applier: "in-app" | "off") =>
      benchAppEnv(databaseUrl, {
        SNS_TRUSTED_CERT_FILE: certFile,
        SNS_TOPIC_ARNS: SIMULATOR_TOPIC_ARN,
        FEEDBACK_APPLIER: applier,
      });

    const allAnswered = (label: string, statuses: Map<number, number>) => {
      if (statuses.get(200) !== TOTAL)
        throw new Error(
          `${label}: not every answer was 200: ${JSON.stringify(Object.fromEntries(statuses))}`,
        );
    };
    const checkReceived = async (label: string) => {
      const [counts] = await sql`
        select count(*)::int as events, coalesce(sum(cardinality(duplicate_sns_ids)), 0)::int as duplicates,
               count(*) filter (where applied_at is null)::int as unapplied
          from ses_events`;
      for (const [k, v] of Object.entries({
        events: expected.events,
        duplicates: expected.duplicates,
      })) {
        if (counts![k] !== v)
          throw new Error(`${label}: expected ${v} ${k}, the database has ${counts![k]}`);
      }
      return counts!.unapplied as number;
    };
    const checkApplied = async (label: string) => {
      const [counts] = await sql`
        select (select count(*)::int from ses_events where applied_at is null) as unapplied,
               (select count(*)::int from suppressions) as suppressions,
               (select count(*)::int from outbound_emails where status = 'bounced') as bounced,
               (select count(*)::int from outbound_emails where status = 'delivered') as delivered,
               (select coalesce(sum(hard_bounces), 0)::int from mail_stats_hourly) as rollup_bounces,
               (select coalesce(sum(deliveries), 0)::int from mail_stats_hourly) as rollup_deliveries,
               (select coalesce(sum(length(recent_outcomes)), 0)::int from tenant_mail_state) as outcomes`;
      const perTenant = (t: number) =>
        Math.floor(UNIQUE / TENANTS) + (t < UNIQUE % TENANTS ? 1 : 0);
      let ring = 0;
      for (let t = 0; t < TENANTS; t++) ring += Math.min(200, perTenant(t));
      const want = {
        unapplied: 0,
        suppressions: expected.bounces * 2,
        bounced: expected.bounces,
        delivered: expected.deliveries,
        rollup_bounces: expected.bounces,
        rollup_deliveries: expected.deliveries,
        // Each tenant's last 200 resolved bulk mails (or all of them), each counted once.
        outcomes: ring,
      };
      for (const [k, v] of Object.entries(want)) {
        if (counts![k] !== v)
          throw new Error(`${label}: expected ${v} ${k}, the database has ${counts![k]}`);
      }
    };

    if (!existsSync(".next/BUILD_ID")) {
      console.error("no production build: running next build first");
      if ((await run("node_modules/.bin/next", ["build"], { env: env("off") })) !== 0) {
        throw new Error("next build failed");
      }
    }
    const endpoint = (url: string) => `${url}/api/webhooks/ses`;
    const warm = async (url: string) => {
      await reset();
      await load(endpoint(url), traffic.unique.slice(0, 200), CONCURRENCY);
      await reset();
    };

    const started = async (server: { child: ChildProcess; url: string }) => {
      children.push(server.child);
      return server;
    };
    const startApp = async (applier: "in-app" | "off") => {
      const port = await freePort();
      const server = await startServer(
        process.execPath,
        appServerArgs(port, applier === "off" ? "app-server" : "app-server-applier"),
        appServerEnv(env(applier)),
        `http://127.0.0.1:${port}/`,
      );
      return started(server);
    };

    /** One receipt run (applier off) on a started server: its load, its CPU a notification. */
    const receipt = async (label: string, server: { child: ChildProcess; url: string }) => {
      await warm(server.url);
      const cpu0 = cpuMs(server.child.pid);
      const result = await load(endpoint(server.url), traffic.bodies, CONCURRENCY);
      const cpu = (cpuMs(server.child.pid) - cpu0) / TOTAL;
      allAnswered(label, result.statuses);
      if ((await checkReceived(label)) !== expected.events)
        throw new Error(`${label}: every event was to stay unapplied (applier off)`);
      await stopGroup(server.child);
      return { ...result, cpu };
    };

    // 1. Receipt through the app's server, applier off.
    const app = await receipt("app server", await startApp("off"));

    // 2. The limit: the same receipt behind a bare node:http server.
    const limit = await receipt(
      "bare server",
      await started(
        await startServer(
          process.execPath,
          [...cpuProfileArgs("bare"), "--import", "tsx", "scripts/bench/webhook-server.ts"],
          env("off"),
        ),
      ),
    );

    // 2b. The standalone receiver as deployed (`npm run receiver`: its configuration, its logging).
    const standalone = await receipt(
      "standalone receiver",
      await started(
        await startServer(
          process.execPath,
          [...cpuProfileArgs("receiver"), "--import", "tsx", "scripts/receiver.ts"],
          { ...env("off"), FEEDBACK_RECEIVER_PORT: "0", FEEDBACK_RECEIVER_HOST: "127.0.0.1" },
        ),
      ),
    );

    // 3. Apply: one applier over that backlog, against a COPY of the same rows.
    const copySeconds = await copyEvents(sql);
    const applier = postgres(databaseUrl, { max: 4, onnotice: () => {} });
    const applierDb = drizzle(applier, { schema }) as unknown as Database;
    const t0 = performance.now();
    const applied = await applyPending(applierDb);
    const applySeconds = (performance.now() - t0) / 1000;
    await applier.end();
    if (applied.applied !== expected.events || applied.failed !== 0)
      throw new Error(`apply: ${JSON.stringify(applied)} for ${expected.events} events`);
    await checkApplied("apply");

    // 4. End to end: the app's server with its applier on; the last answer to the last event applied.
    const appOn = await startApp("in-app");
    await warm(appOn.url);
    const live = await load(endpoint(appOn.url), traffic.bodies, CONCURRENCY);
    allAnswered("app server with the applier", live.statuses);
    const e2eSeconds = await untilApplied(sql, live);
    await checkReceived("app server with the applier");
    await checkApplied("app server with the applier");

    const line = (label: string, r: LoadResult) => {
      const sorted = [...r.latencies].sort((a, b) => a - b);
      console.error(
        `${label}: ${TOTAL} notifications in ${r.seconds.toFixed(2)} s, ${(TOTAL / r.seconds).toFixed(0)}/s, p50 ${percentile(sorted, 0.5).toFixed(1)} ms, p99 ${percentile(sorted, 0.99).toFixed(1)} ms`,
      );
    };
    line("receipt, the app's server (npm start, applier off)", app);
    line("receipt, bare node:http", limit);
    line("receipt, standalone receiver (npm run receiver)", standalone);
    console.error(
      `server CPU a notification (user + system, /proc): app server ${app.cpu.toFixed(2)} ms, bare node:http ${limit.cpu.toFixed(2)} ms, standalone receiver ${standalone.cpu.toFixed(2)} ms`,
    );
    line("receipt, the app's server with its applier", live);
    console.error(
      `apply: ${expected.events} events in ${applySeconds.toFixed(2)} s by one applier (${applied.claimed} claimed in batches of 500); COPY of the same rows ${copySeconds.toFixed(2)} s; end to end ${e2eSeconds.toFixed(2)} s after the last answer`,
    );
    console.error(
      `machine: ${machine()}; checked exact after each run: ${expected.events} events, ${expected.duplicates} duplicates under other SNS MessageIds, ${expected.bounces * 2} suppressions, ${expected.bounces} bounced, ${expected.deliveries} delivered`,
    );
    const sortedApp = [...app.latencies].sort((a, b) => a - b);
    const value = TOTAL / app.seconds;
    const limitValue = TOTAL / limit.seconds;
    const apply = expected.events / applySeconds;
    const applyLimit = expected.events / copySeconds;
    const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
    report({
      bench: "webhook",
      value,
      unit: "events/s",
      limit: limitValue,
      ratio: value / limitValue,
      n: TOTAL,
      apply: round(apply),
      apply_limit: round(applyLimit),
      apply_ratio: round(apply / applyLimit, 3),
      e2e_s: round(e2eSeconds, 2),
      receipt_with_applier: round(TOTAL / live.seconds),
      p50_ms: round(percentile(sortedApp, 0.5)),
      p99_ms: round(percentile(sortedApp, 0.99)),
      cpu_ms: round(app.cpu, 2),
      limit_cpu_ms: round(limit.cpu, 2),
      receipt_standalone: round(TOTAL / standalone.seconds),
      receipt_standalone_ratio: round(TOTAL / standalone.seconds / limitValue, 3),
      receipt_standalone_cpu_ms: round(standalone.cpu, 2),
    });
  } finally {
    for (const child of children) await stopGroup(child);
    await sql.end();
    await cleanup();
  }
}

/** COPY of the stored events into an empty table like ses_events (its indexes too): seconds. */
async function copyEvents(sql: postgres.Sql): Promise<number> {
  const chunks: Buffer[] = [];
  const out = await sql`copy ses_events to stdout`.readable();
  await pipeline(
    out,
    new Writable({
      write(chunk: Buffer, _enc, done) {
        chunks.push(chunk);
        done();
      },
    }),
  );
  await sql`create table ses_events_copy (like ses_events including all)`;
  const t0 = performance.now();
  const writable = await sql`copy ses_events_copy from stdin`.writable();
  await pipeline(Readable.from(chunks), writable);
  const seconds = (performance.now() - t0) / 1000;
  await sql`drop table ses_events_copy`;
  return seconds;
}

/** Seconds from the last answer until no event waits to be applied. */
async function untilApplied(sql: postgres.Sql, r: LoadResult): Promise<number> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const [row] = await sql`
      select count(*)::int as n from ses_events where applied_at is null and parked_at is null`;
    if (row!.n === 0) return (performance.now() - r.lastAnswerAt) / 1000;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error("the app's applier did not apply every event within two minutes");
}

runBench(main);
