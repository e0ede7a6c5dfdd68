/**
 * npm run soak — ten minutes of mixed load on the app's server (`npm start`: scripts/server.ts) with
 * its dispatcher and applier running,
 * all on loopback with a bound on requests in flight:
 * - signed SNS notifications at 300/s (the feedback simulator's event shapes, one in ten a repeat)
 *   about mail sent before the soak, plus the simulator's own feedback for what the soak sends;
 * - signed-in page views at 20/s (admin pages 15/s, learner pages 5/s);
 * - a 10,000-row import through the upload and commit routes, then a message to 10,000 members
 *   through the page's server action: their mail goes out through local SES.
 * Then it waits for the mail and the events to settle (bounded) and reconciles from the database:
 * every mail expected is in the outbox (sent, or not sent with a reason), every SNS message answered
 * 200 is stored and applied, nothing is left `sending` past its lease, local SES holds each sent mail
 * once. Reports latency percentiles per kind and the server's RSS over time; last line JSON.
 * `-- --quick`: one minute, an import of 2,000 rows and a message to 2,000 members.
 */
import type { ChildProcess } from "node:child_process";
import os from "node:os";
import { mkdir, writeFile } from "node:fs/promises";
import postgres from "postgres";
import type { SnsMessage } from "@/lib/feedback/sns";
import { FeedbackSimulator, SIMULATOR_TOPIC_ARN } from "@/sim/feedback-simulator";
import { createSigningIdentity } from "@/sim/sns-signing";
import { freePort } from "../lib/embedded-postgres";
import { startLocalSesProcess } from "../lib/local-ses";
import { stopGroup } from "../lib/processes";
import {
  appServerArgs,
  appServerEnv,
  benchAppEnv,
  benchDatabase,
  machine,
  productionBuild,
  percentile,
  quick,
  runBench,
  startServer,
} from "../bench/common";
import { signIn } from "../bench/sign-in";
import { actionId, callAction, formOf } from "./action";
import { client, paced, type Answer, type KindStats } from "./load";
import {
  checkAgainstSes,
  checkFeedOutcome,
  lostOf,
  pendingMail,
  stuckSending,
  tallyEvents,
  tallyMail,
  unappliedEvents,
  type Batch,
} from "./reconcile";
import { sampleRss } from "./rss";
import {
  ADMIN_LOGIN,
  DEAD_MAILBOX_DOMAIN,
  importCsv,
  LEARNER_LOGINS,
  PASSWORD,
  SCHOOL,
  seed,
} from "./setup";
import { webhookTraffic } from "./webhooks";

const DURATION_S = quick ? 60 : 600;
const WEBHOOKS_PER_S = 300;
const ADMIN_PAGES_PER_S = 15;
const LEARNER_PAGES_PER_S = 5;
const IMPORT_ROWS = quick ? 2_000 : 10_000;
const MEMBERS = quick ? 2_000 : 10_000;
/** How long the mail and the events may take to settle after the load stops. */
const SETTLE_S = quick ? 120 : 300;
const log = (line: string) => console.error(`[soak] ${line}`);

/** The feedback simulator, remembering each SNS MessageId the webhook answered 200. */
class RecordingSimulator extends FeedbackSimulator {
  acked = new Set<string>();
  override async post(message: SnsMessage): Promise<number> {
    const status = await super.post(message);
    if (status === 200) this.acked.add(message.MessageId);
    return status;
  }
}

async function main() {
  log(`${quick ? "quick: " : ""}${DURATION_S} s of load; ${machine()}`);
  // What else ran on the machine bends every figure: say so in the output.
  const loadBefore = os.loadavg()[0]!;
  const { url: databaseUrl, cleanup } = await benchDatabase();
  const sql = postgres(databaseUrl, { max: 4, onnotice: () => {} });
  const children: ChildProcess[] = [];
  let simulator: RecordingSimulator | undefined;
  try {
    const sentBefore = Math.ceil(WEBHOOKS_PER_S * DURATION_S * 1.05);
    const seeded = await seed(sql, MEMBERS, sentBefore);
    log(`seeded ${MEMBERS} members and ${sentBefore} mails sent before the soak`);

    const ses = await startLocalSesProcess(
      Number(process.env.LOCAL_SES_PORT ?? 0) || (await freePort()),
    );
    children.push(ses.child);
    const identity = createSigningIdentity();
    await mkdir(".data", { recursive: true });
    const certFile = ".data/soak-sns-cert.pem";
    await writeFile(certFile, identity.certificatePem);

    const port = Number(process.env.PORT ?? 0) || (await freePort());
    const base = `http://127.0.0.1:${port}`;
    const env = benchAppEnv(databaseUrl, {
      MAIL_DISPATCHER: "in-app",
      FEEDBACK_APPLIER: "in-app",
      SES_ENDPOINT: ses.url,
      SNS_TRUSTED_CERT_FILE: certFile,
      SNS_TOPIC_ARNS: SIMULATOR_TOPIC_ARN,
      ADDRESS_DNS: "offline",
      PUBLIC_URL: base,
    });
    await productionBuild(env, log);
    const sendMessageId = await actionId(
      "app/t/[tenant]/admin/messages/new/actions.ts",
      "sendMessage",
    );
    const app = await startServer(
      process.execPath,
      appServerArgs(port, "soak-app-server"),
      appServerEnv(env),
      `${base}/`,
    );
    children.push(app.child);
    simulator = new RecordingSimulator({
      sesUrl: ses.url,
      webhookUrl: `${base}/api/webhooks/ses`,
      privateKeyPem: identity.privateKeyPem,
      deadDomains: new Set(),
      deadMailboxes: new Set(),
      deadMailboxDomains: new Set([DEAD_MAILBOX_DOMAIN]),
      delayMs: 1_000,
      // SNS posts in parallel; one at a time, the feedback would queue behind the soak's webhooks.
      concurrency: 16,
      log: (m) => log(`feedback simulator: ${m}`),
    });
    simulator.start(500);

    const adminCookie = await signIn(base, SCHOOL, ADMIN_LOGIN, PASSWORD);
    const learnerCookies = await Promise.all(
      LEARNER_LOGINS.map((id) => signIn(base, SCHOOL, id, PASSWORD)),
    );
    const rss = sampleRss(app.child.pid!, 5_000);
    const t0 = performance.now();
    const elapsed = () => (performance.now() - t0) / 1000;

    // The steady load.
    const hooks = client(base, 64);
    const pages = client(base, 16);
    const traffic = webhookTraffic(seeded.sent, identity.privateKeyPem, (r) => hooks.send(r));
    const is200 = (a: Answer) => a.status === 200;
    const adminPaths = [
      "/admin",
      "/admin/members",
      "/admin/members?q=member12",
      "/admin/health",
      "/admin/unsent",
      "/admin/messages",
      "/admin/suppressions",
      "/admin/members/import",
    ].map((p) => `/t/${SCHOOL}${p}`);
    const learnerPaths = [`/t/${SCHOOL}/messages`];
    const streams = [
      paced("webhook", WEBHOOKS_PER_S, 64, traffic.fire, is200),
      paced(
        "admin_page",
        ADMIN_PAGES_PER_S,
        8,
        (i) =>
          pages.send({
            method: "GET",
            path: adminPaths[i % adminPaths.length]!,
            headers: { cookie: adminCookie },
          }),
        is200,
      ),
      paced(
        "learner_page",
        LEARNER_PAGES_PER_S,
        8,
        (i) =>
          pages.send({
            method: "GET",
            path: learnerPaths[i % learnerPaths.length]!,
            headers: { cookie: learnerCookies[i % learnerCookies.length]! },
          }),
        is200,
      ),
    ];
    const progress = setInterval(() => {
      void (async () => {
        const [row] = await sql<{ sent: number; pending: number; events: number }[]>`
          select (select count(*)::int from outbound_emails
                   where tenant_id = ${seeded.schoolId} and sent_at is not null) as sent,
                 (select count(*)::int from outbound_emails
                   where tenant_id = ${seeded.schoolId} and status in ('queued', 'held', 'sending')) as pending,
                 (select count(*)::int from ses_events) as events`;
        const last = rss.samples.at(-1);
        log(
          `${elapsed().toFixed(0)} s: webhooks ${streams[0]!.stats.answered}, pages ${streams[1]!.stats.answered + streams[2]!.stats.answered}, school mail sent ${row!.sent} (to go ${row!.pending}), events stored ${row!.events}, server RSS ${last?.mb ?? "?"} MB`,
        );
      })().catch(() => {});
    }, 15_000);

    // The message, then the import: timed as one-off kinds.
    const oneOff = new Map<string, number>();
    const timed = async <T>(kind: string, work: () => Promise<T>) => {
      const at = performance.now();
      const result = await work();
      oneOff.set(kind, performance.now() - at);
      return result;
    };
    await new Promise((r) => setTimeout(r, 5_000));
    const sent = await timed("message_post", () =>
      callAction(
        base,
        `/t/${SCHOOL}/admin/messages/new`,
        sendMessageId,
        [
          SCHOOL,
          null,
          formOf({
            subject: "Soak: term starts Monday",
            body: "The timetable is in your box.",
            noticeMode: "now",
            audience: "all",
          }),
        ],
        adminCookie,
      ),
    );
    const messageId = /\/admin\/messages\/([0-9a-f-]{36})/.exec(sent.redirect ?? "")?.[1];
    if (!messageId)
      throw new Error(`the message was not posted: ${sent.status} ${sent.text.slice(0, 300)}`);
    learnerPaths.push(`/t/${SCHOOL}/messages/${messageId}`);
    log(
      `${elapsed().toFixed(0)} s: message posted to the school's members (before the import: they are its audience)`,
    );

    const csv = importCsv(IMPORT_ROWS);
    const ndjsonResult = (label: string, a: Answer) => {
      const lines = a.body.trim().split("\n");
      const last = JSON.parse(lines.at(-1) ?? "{}") as {
        type?: string;
        data?: unknown;
        message?: string;
      };
      if (a.status !== 200 || last.type !== "done")
        throw new Error(`${label}: ${a.status} ${last.message ?? a.body.slice(0, 300)}`);
      return last.data;
    };
    const post = { origin: base, cookie: adminCookie };
    const importId = ndjsonResult(
      "import upload",
      await timed("import_upload", () =>
        pages.send(
          {
            method: "POST",
            path: `/t/${SCHOOL}/admin/members/import/upload`,
            headers: { ...post, "content-type": "text/csv", "x-file-name": "soak.csv" },
            body: csv.text,
          },
          true,
        ),
      ),
    ) as string;
    const committed = ndjsonResult(
      "import commit",
      await timed("import_commit", () =>
        pages.send(
          {
            method: "POST",
            path: `/t/${SCHOOL}/admin/members/import/${importId}/commit`,
            headers: post,
          },
          true,
        ),
      ),
    ) as { created: number; invitations: number; batchId: string };
    if (committed.created !== csv.accepted || committed.invitations !== csv.invited)
      throw new Error(
        `import: ${JSON.stringify(committed)}, expected ${csv.accepted} members invited`,
      );
    log(
      `${elapsed().toFixed(0)} s: imported ${committed.created} members, ${committed.invitations} invitations queued`,
    );

    await new Promise((r) => setTimeout(r, Math.max(0, DURATION_S - elapsed()) * 1000));
    const steady = await Promise.all(streams.map((s) => s.stop()));
    const loadSeconds = elapsed();
    clearInterval(progress);
    log(
      `${loadSeconds.toFixed(0)} s: load stopped; waiting up to ${SETTLE_S} s for mail and events to settle`,
    );

    const batches: Batch[] = [
      { label: "invitations", batchId: committed.batchId, expected: csv.invited },
      { label: "message notices", batchId: messageId, expected: MEMBERS },
    ];
    const settleStart = performance.now();
    const unsettled = async () => {
      const [row] = await sql<{ n: number }[]>`
        select count(*)::int as n from outbound_emails
         where tenant_id = ${seeded.schoolId} and status = 'sent'`;
      return {
        pending: await pendingMail(
          sql,
          batches.map((b) => b.batchId),
        ),
        unapplied: await unappliedEvents(sql),
        awaitingFeedback: row!.n,
      };
    };
    let left = await unsettled();
    while (
      (left.pending > 0 || left.unapplied > 0 || left.awaitingFeedback > 0) &&
      performance.now() - settleStart < SETTLE_S * 1000
    ) {
      await new Promise((r) => setTimeout(r, 2_000));
      left = await unsettled();
    }
    const settleSeconds = (performance.now() - settleStart) / 1000;
    rss.stop();
    await simulator.drain();
    // Reconciled at rest: the server (its dispatcher and applier) stopped, as after a deploy.
    await stopGroup(app.child);

    // Reconciliation.
    const mail = await tallyMail(sql, batches);
    const acked = [...traffic.acked, ...simulator.acked];
    const events = await tallyEvents(sql, acked);
    const feed = await checkFeedOutcome(sql, seeded.feedId, seeded.sent, traffic.reported);
    const againstSes = await checkAgainstSes(sql, ses.url, seeded.schoolId);
    const stuck = await stuckSending(sql);
    const lost = lostOf(mail, events, againstSes);

    const stats = (s: KindStats) => {
      const sorted = [...s.latencies].sort((a, b) => a - b);
      const ms = (p: number) =>
        sorted.length ? Math.round(percentile(sorted, p) * 10) / 10 : null;
      return {
        n: s.answered,
        offered_per_s: s.offered,
        per_s: Math.round((s.answered / loadSeconds) * 10) / 10,
        p50: ms(0.5),
        p95: ms(0.95),
        p99: ms(0.99),
        errors: s.errors,
        behind: s.behind,
        statuses: Object.fromEntries(s.statuses),
      };
    };
    const latency = Object.fromEntries(steady.map((s) => [s.kind, stats(s)]));
    for (const [kind, s] of Object.entries(latency))
      log(
        `${kind}: ${s.n} answered (${s.per_s}/s of ${s.offered_per_s}/s offered), p50 ${s.p50} ms, p95 ${s.p95} ms, p99 ${s.p99} ms, ${s.errors} not 200 ${JSON.stringify(s.statuses)}, ${s.behind} not started (at the in-flight bound)`,
      );
    for (const [kind, ms] of oneOff) log(`${kind}: ${(ms / 1000).toFixed(2)} s`);
    log(`server RSS (MB every 5 s): ${rss.samples.map((s) => s.mb).join(" ")}`);
    for (const t of mail)
      log(
        `${t.label}: ${t.rows}/${t.expected} in the outbox, ${t.sent} sent (${t.delivered} delivered, ${t.bounced} bounced), not sent: ${JSON.stringify(t.notSent)}`,
      );
    log(
      `events: ${events.acked} SNS messages answered 200 (${traffic.acked.size} soak traffic, ${simulator.acked.size} simulator), ${events.missing} of them not stored; ${events.stored} stored, ${events.applied} applied, ${events.parked} parked, ${events.unapplied} unapplied, ${events.duplicates} duplicates under another MessageId`,
    );
    log(
      `already-sent mail reported on: ${traffic.reported.size}, ${feed.wrong} in a state their events do not explain; local SES holds ${againstSes.inSes} mails for ${againstSes.sentRows} sent rows (${againstSes.notInSes} sent rows not in SES, ${againstSes.sentTwice} sent twice); ${stuck} stuck in sending past their lease; settled in ${settleSeconds.toFixed(0)} s (${JSON.stringify(left)} left)`,
    );

    const rssMb = rss.samples.map((s) => s.mb);
    const p99s = steady.map((s) => stats(s).p99 ?? 0);
    const expectedMail = mail.reduce((n, t) => n + t.expected, 0);
    console.log(
      JSON.stringify({
        lost,
        duration_s: Math.round(loadSeconds),
        webhooks: latency.webhook!.n,
        webhooks_per_s: latency.webhook!.per_s,
        page_views: latency.admin_page!.n + latency.learner_page!.n,
        p99_ms: Math.max(...p99s),
        rss_max_mb: Math.max(...rssMb),
        rss_start_mb: rssMb[0],
        rss_end_mb: rssMb.at(-1),
        mails_expected: expectedMail,
        mails_sent: mail.reduce((n, t) => n + t.sent, 0),
        mails_pending: left.pending,
        events_acked: events.acked,
        events_stored: events.stored,
        events_duplicates: events.duplicates,
        events_applied: events.applied,
        events_parked: events.parked,
        events_unapplied: events.unapplied,
        misapplied: feed.wrong,
        stuck,
        sent_twice: againstSes.sentTwice,
        settle_s: Math.round(settleSeconds),
        import_s:
          Math.round(
            ((oneOff.get("import_upload") ?? 0) + (oneOff.get("import_commit") ?? 0)) / 100,
          ) / 10,
        message_post_s: Math.round((oneOff.get("message_post") ?? 0) / 100) / 10,
        latency,
        load_avg_start: Math.round(loadBefore * 10) / 10,
        load_avg_end: Math.round(os.loadavg()[0]! * 10) / 10,
        rss_mb_every_5s: rssMb,
      }),
    );
    hooks.close();
    pages.close();
    if (lost > 0 || stuck > 0 || feed.wrong > 0)
      throw new Error(`the soak lost ${lost}, left ${stuck} stuck and ${feed.wrong} misapplied`);
  } finally {
    simulator?.stop();
    for (const child of children.reverse()) await stopGroup(child);
    await sql.end();
    await cleanup();
  }
}

runBench(main);
