/**
 * proof:multiprocess (issue 15, item 2): two app-like processes (webhook + dispatcher + applier,
 * scripts/proof/app-process.ts) and two workers (`scripts/worker.ts`) on one fresh database, local
 * SES at a MaxSendRate of --rate (default 50/s) behind a recording proxy, the feedback simulator
 * posting signed SNS events to both apps in turn. 20,000 mails (`-- --quick`: 2,000) for four
 * tenants: three good ones (resets, notices to addresses SES delivered to before, announcements to
 * new addresses) and one whose list is 40% dead (every address at the dead domain bounces).
 * Checked afterwards from the outbox and what SES received, while sampled during the run:
 * - no mail reached SES twice (nothing is killed here, so no lease ever runs out);
 * - the unconfirmed bulk mail in flight never exceeded the account budget, nor any tenant's window
 *   (each against the largest value it had reached by then: both only grow one step at a time);
 * - the send rate, from the send times at the proxy, never above MaxSendRate (the shared bucket
 *   holds at most one second's worth, so any 5 s holds at most 6 s of tokens), and reaching it
 *   (the busiest 5 s at 80% of it or more) while mail the windows do not hold back is queued; the
 *   mean over the whole run is reported too: new addresses go at the pace of the bounce budget;
 * - every mail ends accounted for: sent and resolved, or held by the dead tenant's open breaker.
 * Last line: JSON. Exit code 1 when a check fails.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { openSync } from "node:fs";
import { mkdtemp, writeFile } from "node:fs/promises";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { accountGuard, bounceBudget } from "@/lib/health/account-guard";
import { WINDOW_POLICY } from "@/lib/health/window";
import { MAIL_DEFAULTS } from "@/lib/env";
import {
  FeedbackSimulator,
  makeSigningCertificate,
  SIMULATOR_TOPIC_ARN,
} from "@/sim/feedback-simulator";
import { freePort } from "../lib/embedded-postgres";
import { startLocalSesProcess } from "../lib/local-ses";
import { stopGroup } from "../lib/processes";
import { startSesFaultProxy } from "../lib/ses-fault-proxy";
import { benchDatabase, machine, quick, startServer } from "../bench/common";

const N = quick ? 2_000 : 20_000;
const argValue = (name: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const RATE = Number(argValue("--rate") ?? 50);
const TIMEOUT_MS = (quick ? 10 : 45) * 60_000;
const DEAD_DOMAIN = "retired-school.example.org";
const log = (m: string) => console.log(`[multiprocess] ${m}`);

/** Spreads the simulator's posts over the app processes in turn, as a load balancer would. */
async function roundRobin(targets: string[]): Promise<{ url: string; close: () => void }> {
  let next = 0;
  const server = http.createServer((req, res) => {
    const target = targets[next++ % targets.length]!;
    const upstream = http.request(
      `${target}${req.url}`,
      { method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => {
      server.close();
      server.closeAllConnections();
    },
  };
}

async function main() {
  const started = Date.now();
  const { url, cleanup } = await benchDatabase();
  process.env.DATABASE_URL = url;
  const children: ChildProcess[] = [];
  const closers: (() => void)[] = [];
  const { db, closeDb, rawSql } = await import("@/db/client");
  try {
    const { tenants, confirmedAddresses } = await import("@/db/schema");
    const { enqueueBatch } = await import("@/lib/mail/outbox");
    const { accountCounts } = await import("@/lib/health/rates");

    const ses = await startLocalSesProcess(await freePort(), RATE);
    children.push(ses.child);
    const proxy = await startSesFaultProxy(await freePort(), ses.url);
    closers.push(() => {
      proxy.server.close();
      proxy.server.closeAllConnections();
    });

    // Four tenants; the last one's list is 40% dead.
    const rows = await db
      .insert(tenants)
      .values(
        ["Good A", "Good B", "Good C", "Dead list"].map((name, i) => ({ slug: `mp-${i}`, name })),
      )
      .returning({ id: tenants.id });
    const [deadTenant] = rows.slice(3);
    const mails = Array.from({ length: N }, (_, i) => {
      const tenantId = rows[i % 4]!.id;
      if (i % 4 === 3) {
        const to = i % 10 < 4 ? `d${i}@${DEAD_DOMAIN}` : `n${i}@school${i % 50}.example.com`;
        return {
          tenantId,
          category: "announcement" as const,
          to,
          params: { subject: "S", body: "B" },
        };
      }
      const to = `m${i}@school${i % 50}.example.com`;
      switch (i % 3) {
        case 0:
          return {
            tenantId,
            category: "password_reset" as const,
            to,
            params: { memberName: `M ${i}`, token: `tok_${i}_abcdefghijklmnop` },
          };
        case 1:
          return {
            tenantId,
            category: "message_notice" as const,
            to,
            params: { memberName: `M ${i}`, messageId: `msg${i}`, subject: "Timetable" },
          };
        default:
          return {
            tenantId,
            category: "announcement" as const,
            to,
            params: { subject: "S", body: "B" },
          };
      }
    });
    // Notices go to addresses SES delivered to before; announcements to new ones (windows apply).
    const confirmed = mails
      .filter((m) => m.category === "message_notice")
      .map((m) => ({ address: m.to }));
    for (let i = 0; i < confirmed.length; i += 5_000)
      await db.insert(confirmedAddresses).values(confirmed.slice(i, i + 5_000));
    await db.transaction((tx) => enqueueBatch(tx, mails));
    const addresses = new Set(mails.map((m) => m.to));
    const isDead = (to: string) => to.endsWith(`@${DEAD_DOMAIN}`);

    const { privateKeyPem, certPem } = await makeSigningCertificate();
    const dir = await mkdtemp(path.join(os.tmpdir(), "sendwell-multiprocess-"));
    const certFile = path.join(dir, "sns-cert.pem");
    await writeFile(certFile, certPem);
    const env = {
      ...process.env,
      DATABASE_URL: url,
      DB_POOL_MAX: "5",
      SES_ENDPOINT: proxy.url,
      SES_FROM_ADDRESS: "Proof <proof@sendwell.localhost>",
      ADDRESS_DNS: "offline",
      SNS_TRUSTED_CERT_FILE: certFile,
      SNS_TOPIC_ARNS: SIMULATOR_TOPIC_ARN,
      MAIL_POLL_MS: "200",
      NODE_ENV: "development" as const,
    };
    const tsx = [process.execPath, "--import", "tsx"] as const;
    const apps = [];
    for (let i = 0; i < 2; i++) {
      const app = await startServer(tsx[0], [...tsx.slice(1), "scripts/proof/app-process.ts"], env);
      children.push(app.child);
      apps.push(app.url);
    }
    for (let i = 0; i < 2; i++) {
      const out = openSync(path.join(dir, `worker-${i}.log`), "a");
      children.push(
        spawn(tsx[0], [...tsx.slice(1), "scripts/worker.ts"], {
          env,
          detached: true,
          stdio: ["ignore", out, out],
        }),
      );
    }
    log(
      `2 apps (${apps.join(", ")}) and 2 workers on ${N} mails at MaxSendRate ${RATE}/s; logs in ${dir}`,
    );
    const balancer = await roundRobin(apps.map((a) => `${a}`));
    closers.push(balancer.close);
    const simulator = new FeedbackSimulator({
      sesUrl: ses.url,
      webhookUrl: `${balancer.url}/api/webhooks/ses`,
      privateKeyPem,
      deadDomains: new Set(),
      deadMailboxes: new Set(),
      deadMailboxDomains: new Set([DEAD_DOMAIN]),
      delayMs: 300,
      log: (m) => log(`simulator: ${m}`),
    });
    simulator.start(250);
    closers.push(() => simulator.stop());

    // Sampled while it runs: unconfirmed bulk in flight against the budget and each window, each
    // against the largest value it had reached so far.
    const violations: string[] = [];
    let maxBudget = 0;
    let maxInFlight = 0;
    const maxWindow = new Map<string, number>();
    let samples = 0;
    const sample = async () => {
      const counts = await accountCounts(db);
      const verdict = accountGuard(counts.representative, counts.lastDay);
      const volume = Math.max(counts.representative.sends, MAIL_DEFAULTS.minVolume);
      maxBudget = Math.max(maxBudget, bounceBudget(verdict.bounceRate, volume));
      const state = await rawSql()<{ tenant_id: string; window: number; in_flight: number }[]>`
        select t.id as tenant_id, coalesce(s.window, ${WINDOW_POLICY.initial}) as window,
               (select count(*)::int from outbound_emails o where o.tenant_id = t.id and o.confirm_by > now()) as in_flight
          from tenants t left join tenant_mail_state s on s.tenant_id = t.id`;
      let total = 0;
      for (const row of state) {
        const w = Math.max(maxWindow.get(row.tenant_id) ?? 0, row.window);
        maxWindow.set(row.tenant_id, w);
        total += row.in_flight;
        if (row.in_flight > w)
          violations.push(
            `tenant ${row.tenant_id}: ${row.in_flight} in flight, window at most ${w}`,
          );
      }
      maxInFlight = Math.max(maxInFlight, total);
      if (total > maxBudget) violations.push(`${total} in flight, budget at most ${maxBudget}`);
      samples++;
    };

    const deadline = Date.now() + TIMEOUT_MS;
    let last = "";
    for (;;) {
      await sample();
      const [state] = await rawSql()<{ moving: number; pending: number; sent: number }[]>`
        select (select count(*)::int from outbound_emails
                 where status in ('queued', 'sending', 'sent')
                    or (status = 'held' and reason not in ('tenant_paused', 'account_guard', 'bulk_stopped'))) as moving,
               (select count(*)::int from ses_events where applied_at is null and parked_at is null) as pending,
               (select count(*)::int from outbound_emails where sent_at is not null) as sent`;
      const line = `${state!.sent} sent, ${state!.moving} still moving, ${state!.pending} events to apply`;
      if (line !== last) log(line);
      last = line;
      if (state!.moving === 0 && state!.pending === 0) break;
      if (Date.now() > deadline) {
        const stuck = await rawSql()`
          select id, status::text, reason, attempts, next_attempt_at, lease_until, confirm_by
            from outbound_emails
           where status in ('queued', 'sending', 'sent')
              or (status = 'held' and reason not in ('tenant_paused', 'account_guard', 'bulk_stopped'))
           limit 5`;
        violations.push(
          `not finished after ${TIMEOUT_MS / 60_000} min: ${line}; e.g. ${JSON.stringify(stuck)}`,
        );
        break;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    const duration = (Date.now() - started) / 1000;

    // Duplicates: what local SES received, per address (every mail has its own address).
    const store = (await (await fetch(`${ses.url}/store`)).json()) as {
      emails: { destination: { to: string[] } }[];
    };
    const copies = new Map<string, number>();
    for (const e of store.emails) {
      const to = e.destination.to[0]!;
      if (addresses.has(to)) copies.set(to, (copies.get(to) ?? 0) + 1);
    }
    const duplicates = [...copies.values()].filter((n) => n > 1).length;
    if (duplicates) violations.push(`${duplicates} mails reached SES more than once`);

    // Rate, from the send times at the proxy.
    const times = proxy.sendAttempts.map((a) => a.at).sort((a, b) => a - b);
    const maxIn = (spanMs: number) => {
      let best = 0;
      for (let i = 0, j = 0; i < times.length; i++) {
        while (times[i]! - times[j]! >= spanMs) j++;
        best = Math.max(best, i - j + 1);
      }
      return best;
    };
    const max1s = maxIn(1_000);
    const max5s = maxIn(5_000);
    // The shared bucket holds one second's worth: any 5 s may carry at most 6 s of tokens, plus
    // a tenth of a second's for the lag between a batch's grant and its last send reaching SES.
    const allowed5s = RATE * 6.1;
    if (max5s > allowed5s)
      violations.push(`${max5s} sends in 5 s, more than MaxSendRate allows (${allowed5s})`);
    // Held at the rate: the busiest 5 s, while transactional and confirmed mail queued, near it.
    const peakRate = max5s / 5;
    if (peakRate < RATE * 0.8)
      violations.push(`the busiest 5 s averaged ${peakRate}/s, under 80% of MaxSendRate ${RATE}/s`);
    const meanRate = times.length / Math.max(0.001, ((times.at(-1) ?? 0) - (times[0] ?? 0)) / 1000);

    const outcome = await rawSql()<
      { dead: boolean; status: string; reason: string | null; n: number }[]
    >`
      select tenant_id = ${deadTenant!.id} as dead, status::text, reason, count(*)::int as n
        from outbound_emails group by 1, 2, 3 order by 1, 2, 3`;
    const goodHeld = outcome.filter((o) => !o.dead && o.status === "held");
    if (goodHeld.length)
      violations.push(
        `good tenants' mail held: ${goodHeld.map((o) => `${o.n} ${o.reason}`).join(", ")}`,
      );
    const sum = (f: (o: (typeof outcome)[number]) => boolean) =>
      outcome.filter(f).reduce((a, o) => a + o.n, 0);
    const deadSentTo = [...copies.keys()].filter(isDead).length;
    const result = {
      proof: "multiprocess",
      ok: violations.length === 0,
      n: N,
      processes: { apps: 2, workers: 2 },
      max_send_rate: RATE,
      duration_s: Math.round(duration),
      reached_ses: copies.size,
      duplicates,
      sends_max_1s: max1s,
      sends_max_5s: max5s,
      send_rate_peak_5s: peakRate,
      rate_ratio: Math.round((peakRate / RATE) * 1000) / 1000,
      send_rate_mean: Math.round(meanRate * 10) / 10,
      budget_max: maxBudget,
      in_flight_max: maxInFlight,
      window_max: Math.max(...maxWindow.values()),
      samples,
      good: {
        delivered: sum((o) => !o.dead && o.status === "delivered"),
        other: sum((o) => !o.dead && o.status !== "delivered"),
      },
      dead_list: {
        delivered: sum((o) => o.dead && o.status === "delivered"),
        bounced: sum((o) => o.dead && o.status === "bounced"),
        sent_to_dead_addresses: deadSentTo,
        held: sum((o) => o.dead && o.status === "held"),
      },
      violations: violations.slice(0, 10),
      machine: machine(),
    };
    console.log(JSON.stringify(result));
    if (!result.ok) process.exitCode = 1;
  } finally {
    for (const close of closers) close();
    await Promise.all(children.map((c) => stopGroup(c)));
    await closeDb();
    await cleanup();
  }
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
