/**
 * bench:webhook — 20,000 signed SNS notifications (10% of them repeats) posted at concurrency 32 to
 * `next start`, then the same notifications to the limit: a bare node:http server calling the same
 * verify-and-ingest function. Both runs start from the same database state and are checked after:
 * exactly the expected events and suppressions. `-- --quick` posts 2,000.
 */
import type { ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import http from "node:http";
import postgres from "postgres";
import { createSigningIdentity, signSnsMessage } from "@/sim/sns-signing";
import { freePort } from "../lib/embedded-postgres";
import { SIMULATOR_TOPIC_ARN, sesEventJson } from "@/sim/feedback-simulator";
import { run, stopGroup } from "../lib/processes";
import {
  benchDatabase,
  machine,
  percentile,
  quick,
  report,
  startServer,
  runBench,
  benchAppEnv,
} from "./common";

const TOTAL = quick ? 2_000 : 20_000;
const UNIQUE = Math.round(TOTAL / 1.1); // the rest are repeats of earlier notifications
const CONCURRENCY = 32;
const BOUNCE_EVERY = 10; // one notification in ten is a permanent bounce, the rest deliveries
const CERT_URL =
  "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0123456789abcdef0123456789abcdef.pem";

/** Posts every body at the given concurrency over keep-alive connections; returns latencies (ms). */
async function load(
  url: string,
  bodies: string[],
): Promise<{ seconds: number; latencies: number[]; statuses: Map<number, number> }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const target = new URL(url);
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  let next = 0;
  const post = (body: string) =>
    new Promise<number>((resolve, reject) => {
      const req = http.request(
        {
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: "POST",
          agent,
          headers: {
            "content-type": "text/plain; charset=UTF-8",
            "content-length": Buffer.byteLength(body),
          },
        },
        (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode ?? 0));
        },
      );
      req.on("error", reject);
      req.end(body);
    });
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < bodies.length) {
        const body = bodies[next++]!;
        const t0 = performance.now();
        const status = await post(body);
        latencies.push(performance.now() - t0);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return { seconds, latencies, statuses };
}

async function main() {
  const { url: databaseUrl, cleanup } = await benchDatabase();
  const sql = postgres(databaseUrl, { max: 4, onnotice: () => {} });
  const children: ChildProcess[] = [];
  try {
    // Ten tenants' sent mail, each with its SES message id, as an account's feedback would be.
    const tenantRows = await sql`
      insert into tenants (slug, name)
      select 'bench-' || g, 'Bench ' || g from generate_series(1, 10) g returning id`;
    const ids = Array.from({ length: UNIQUE }, (_, i) => ({
      ses: `bench-${i}-${randomUUID()}`,
      to: `m${i}@school.example.com`,
      tenant: tenantRows[i % tenantRows.length]!.id as string,
    }));
    for (let i = 0; i < ids.length; i += 5_000) {
      const chunk = ids.slice(i, i + 5_000);
      await sql`
        insert into outbound_emails (tenant_id, category, lane, to_address, template, params, status, ses_message_id, sent_at)
        select t.tenant, 'message_notice', 'bulk', t.addr, 'message_notice', '{}'::jsonb, 'sent', t.ses, now()
          from unnest(${chunk.map((c) => c.to)}::text[], ${chunk.map((c) => c.ses)}::text[],
                      ${chunk.map((c) => c.tenant)}::uuid[]) as t(addr, ses, tenant)`;
    }
    await sql`vacuum analyze outbound_emails`;
    const snapshot = async () => {
      await sql`truncate ses_events, suppressions, mail_stats_hourly, confirmed_addresses, tenant_mail_state`;
      await sql`update outbound_emails set status = 'sent', reason = null, resolved_at = null, confirm_by = null`;
    };

    // Sign everything up front, as SNS would: both signature versions, 10% repeats of earlier ones.
    const identity = createSigningIdentity();
    const unique = ids.map((m, i) => {
      const fate =
        i % BOUNCE_EVERY === 0
          ? ({
              kind: "bounce",
              bounceType: "Permanent",
              subType: "General",
              status: "5.1.1",
              diagnostic: "smtp; 550 5.1.1 user unknown",
            } as const)
          : ({ kind: "delivery" } as const);
      const message = sesEventJson(
        fate,
        {
          messageId: m.ses,
          from: "b@sendwell.localhost",
          to: m.to,
          subject: "S",
          sentAt: new Date(),
        },
        new Date(),
        "event",
      );
      return JSON.stringify(
        signSnsMessage(
          {
            Type: "Notification",
            MessageId: randomUUID(),
            TopicArn: SIMULATOR_TOPIC_ARN,
            Message: message,
            Timestamp: new Date().toISOString(),
            SigningCertURL: CERT_URL,
          },
          i % 2 ? "2" : "1",
          identity.privateKeyPem,
        ),
      );
    });
    const bodies = [...unique];
    for (let i = 0; bodies.length < TOTAL; i += 7)
      bodies.splice((i * 13) % bodies.length, 0, unique[i % unique.length]!);
    const expectedBounces = Math.ceil(UNIQUE / BOUNCE_EVERY);

    await mkdir(".data", { recursive: true });
    const certFile = ".data/bench-sns-cert.pem";
    await writeFile(certFile, identity.certificatePem);
    const env = benchAppEnv(databaseUrl, {
      SNS_TRUSTED_CERT_FILE: certFile,
      SNS_TOPIC_ARNS: SIMULATOR_TOPIC_ARN,
    });

    const check = async (label: string, statuses: Map<number, number>) => {
      if (statuses.get(200) !== TOTAL)
        throw new Error(
          `${label}: not every answer was 200: ${JSON.stringify(Object.fromEntries(statuses))}`,
        );
      const [counts] = await sql`
        select (select count(*)::int from ses_events) as events,
               (select count(*)::int from suppressions) as suppressions,
               (select count(*)::int from outbound_emails where status = 'bounced') as bounced,
               (select count(*)::int from outbound_emails where status = 'delivered') as delivered`;
      const expected = {
        events: UNIQUE,
        suppressions: expectedBounces * 2,
        bounced: expectedBounces,
        delivered: UNIQUE - expectedBounces,
      };
      for (const [k, v] of Object.entries(expected)) {
        if (counts![k] !== v)
          throw new Error(`${label}: expected ${v} ${k}, the database has ${counts![k]}`);
      }
    };

    if (!existsSync(".next/BUILD_ID")) {
      console.error("no production build: running next build first");
      if (
        (await run("node_modules/.bin/next", ["build"], {
          env: { ...env, NEXT_TELEMETRY_DISABLED: "1" },
        })) !== 0
      ) {
        throw new Error("next build failed");
      }
    }
    const port = await freePort();
    const next = await startServer(
      "node_modules/.bin/next",
      ["start", "-p", String(port)],
      env,
      `http://127.0.0.1:${port}/`,
    );
    children.push(next.child);
    await snapshot();
    await load(`${next.url}/api/webhooks/ses`, unique.slice(0, 200)); // warm up the route
    await snapshot();
    const app = await load(`${next.url}/api/webhooks/ses`, bodies);
    await check("next start", app.statuses);
    await stopGroup(next.child);

    const bare = await startServer(
      "node_modules/.bin/tsx",
      ["scripts/bench/webhook-server.ts"],
      env,
    );
    children.push(bare.child);
    await snapshot();
    await load(`${bare.url}/api/webhooks/ses`, unique.slice(0, 200));
    await snapshot();
    const limit = await load(`${bare.url}/api/webhooks/ses`, bodies);
    await check("bare server", limit.statuses);

    for (const [label, r] of [
      ["next start", app],
      ["bare node:http", limit],
    ] as const) {
      const sorted = [...r.latencies].sort((a, b) => a - b);
      console.error(
        `${label}: ${TOTAL} notifications in ${r.seconds.toFixed(2)} s, ${(TOTAL / r.seconds).toFixed(0)}/s, p50 ${percentile(sorted, 0.5).toFixed(1)} ms, p99 ${percentile(sorted, 0.99).toFixed(1)} ms, statuses ${JSON.stringify(Object.fromEntries(r.statuses))}`,
      );
    }
    console.error(
      `machine: ${machine()}; database checked after each run: ${UNIQUE} events, ${expectedBounces * 2} suppressions`,
    );
    const sortedApp = [...app.latencies].sort((a, b) => a - b);
    const value = TOTAL / app.seconds;
    const limitValue = TOTAL / limit.seconds;
    report({
      bench: "webhook",
      value,
      unit: "notifications/s",
      limit: limitValue,
      ratio: value / limitValue,
      n: TOTAL,
      p50_ms: Math.round(percentile(sortedApp, 0.5) * 10) / 10,
      p99_ms: Math.round(percentile(sortedApp, 0.99) * 10) / 10,
    });
  } finally {
    for (const child of children) await stopGroup(child);
    await sql.end();
    await cleanup();
  }
}

runBench(main);
