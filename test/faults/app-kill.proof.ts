/**
 * Fault injection (issue 15, item 1): the app's server (`npm start`: scripts/server.ts, the webhook
 * before Next.js on one port) itself killed with SIGKILL while its in-process
 * dispatcher is sending a batch and its webhook is receiving SES events that its in-process applier
 * applies, then started again. What must hold, checked in the database and in what local SES got:
 * - nothing is lost: every mail ends `delivered`;
 * - a mail reaches SES twice only if it was leased (`sending`) when the server died, and the second
 *   copy leaves only after that lease ran out: duplicates stay in the lease window, counted;
 * - every SNS message the webhook answered 200 (before or after the kill) is stored, once per mail,
 *   and applied; none parked. A post cut off by the kill is posted again, as SNS does.
 * Runs on the production build (`npm run build` first); `npm test` runs it after its build step, as
 * `npm run proof:app-kill`. About 30 s.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "@/scripts/lib/embedded-postgres";
import type { SesFaultProxy } from "@/scripts/lib/ses-fault-proxy";
import { stopGroup } from "@/scripts/lib/processes";
import { SIMULATOR_TOPIC_ARN, makeSigningCertificate } from "@/sim/feedback-simulator";
import { signedNotification } from "@/test/feedback";
import { eventDelivery } from "@/test/fixtures/ses";
import {
  deliveredAndApplied,
  receivedAt,
  sesBehindFaultProxy,
  stopProxy,
  tenantWithResets,
  waitFor,
} from "./helpers";

const MAILS = 300;
const LEASE_MS = 4_000;
/** Posts in flight at once, as SNS delivers in parallel. */
const POSTERS = 6;

let proxy: SesFaultProxy;
let admin: postgres.Sql;
let dir: string;
let server: ChildProcess | undefined;

beforeAll(async () => {
  if (!existsSync(".next/BUILD_ID"))
    throw new Error("There is no production build to start: run `npm run build` first.");
  ({ proxy } = await sesBehindFaultProxy(5_000));
  admin = postgres(process.env.DATABASE_URL!, { max: 2, onnotice: () => {} });
  dir = await mkdtemp(path.join(os.tmpdir(), "sendwell-app-kill-"));
});
afterAll(async () => {
  if (server) await stopGroup(server, "SIGKILL");
  await admin?.end({ timeout: 1 });
  if (proxy) await stopProxy(proxy);
  if (dir) await rm(dir, { recursive: true, force: true });
});

/**
 * The app's server (`npm start`) on this file's database, its dispatcher and applier in-process, in its own process
 * group (so the kill takes whatever it started too); resolves once it answers.
 */
async function startApp(port: number, certFile: string): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx/esm", "scripts/server.ts", "-p", String(port), "-H", "127.0.0.1"],
    {
      env: {
        ...process.env,
        NODE_ENV: "production",
        NEXT_TELEMETRY_DISABLED: "1",
        DATABASE_URL: process.env.DATABASE_URL,
        AUTH_SECRET: "app-kill-secret-app-kill-secret-app-kill-0123",
        AUTH_TRUST_HOST: "true",
        PUBLIC_URL: `http://127.0.0.1:${port}`,
        SES_ENDPOINT: proxy.url,
        SES_FROM_ADDRESS: "Sendwell Test <no-reply@sendwell.test>",
        SES_TIMEOUT_MS: "5000",
        MAIL_DISPATCHER: "in-app",
        MAIL_BATCH_SIZE: "40",
        MAIL_CONCURRENCY: "4",
        MAIL_PIPELINES: "1",
        MAIL_POLL_MS: "100",
        MAIL_LEASE_MS: String(LEASE_MS),
        FEEDBACK_APPLIER: "in-app",
        FEEDBACK_POLL_MS: "200",
        SNS_TOPIC_ARNS: SIMULATOR_TOPIC_ARN,
        SNS_TRUSTED_CERT_FILE: certFile,
        ADDRESS_DNS: "offline",
      },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    },
  );
  child.stdout?.resume();
  let stderr = "";
  child.stderr?.on("data", (b: Buffer) => {
    stderr = (stderr + b.toString()).slice(-4_000);
  });
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`the app server exited ${child.exitCode}: ${stderr}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/`, { redirect: "manual" })).status < 500)
        return child;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`the app server did not answer in 90 s: ${stderr}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe("the app server killed with SIGKILL mid-batch and mid-webhook, then started again", () => {
  it("loses no mail and no event; duplicates only inside the lease window, counted", async () => {
    const keys = await makeSigningCertificate();
    const certFile = path.join(dir, "sns-cert.pem");
    await writeFile(certFile, keys.certPem);
    const port = Number(process.env.PORT ?? 0) || (await freePort());
    const webhook = `http://127.0.0.1:${port}/api/webhooks/ses`;
    const { tenant, to } = await tenantWithResets(MAILS);
    const count = async (status: string) =>
      (
        await admin<{ n: number }[]>`select count(*)::int as n from outbound_emails
           where tenant_id = ${tenant.id} and status = ${status}::mail_status`
      )[0]!.n;

    // Slow SES (150 ms a mail, 4 at once): a batch of 40 takes about 1.5 s, so the kill finds one half sent.
    proxy.setFault({ kind: "slow", ms: 150 });
    server = await startApp(port, certFile);

    // SNS's part: one Delivery per sent mail, each under its own MessageId, posted until answered 200;
    // a post the kill cut off is posted again under the same MessageId.
    const messageIds = new Map<number, string>();
    const acked = new Set<number>();
    const answers = new Map<string, number>();
    let inFlight = 0;
    /** When each post started and ended, and its answer: the kill's cut shows in them. */
    const attempts: { start: number; end: number; answer: string }[] = [];
    let feeding = true;
    const queue: { id: number; to: string; ses: string }[] = [];
    const queued = new Set<number>();
    const reader = (async () => {
      while (feeding) {
        try {
          const sent = await admin<{ id: number; to: string; ses: string }[]>`
            select id::int, to_address as to, ses_message_id as ses from outbound_emails
             where tenant_id = ${tenant.id} and ses_message_id is not null`;
          for (const m of sent)
            if (!queued.has(m.id)) {
              queued.add(m.id);
              queue.push(m);
            }
        } catch {
          // read again
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const poster = async () => {
      while (feeding) {
        const m = queue.shift();
        if (!m) {
          await new Promise((r) => setTimeout(r, 20));
          continue;
        }
        if (!messageIds.has(m.id)) messageIds.set(m.id, randomUUID());
        const event = eventDelivery({ id: m.ses, to: [m.to] });
        event.mail.tags.outbox_id = [String(m.id)];
        const body = signedNotification(keys.privateKeyPem, event, {
          MessageId: messageIds.get(m.id)!,
        });
        let answer: string;
        const start = Date.now();
        inFlight++;
        try {
          const response = await fetch(webhook, {
            method: "POST",
            headers: { "content-type": "text/plain; charset=UTF-8" },
            body,
            signal: AbortSignal.timeout(15_000),
          });
          await response.arrayBuffer();
          answer = String(response.status);
        } catch {
          answer = "no answer";
        } finally {
          inFlight--;
        }
        attempts.push({ start, end: Date.now(), answer });
        answers.set(answer, (answers.get(answer) ?? 0) + 1);
        if (answer === "200") acked.add(m.id);
        else {
          queue.push(m);
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    };
    const posters = Array.from({ length: POSTERS }, poster);

    // Mid-batch: some mail delivered, a batch leased and partly put to SES.
    await waitFor(
      "the server to be sending a batch",
      async () =>
        (await count("delivered")) >= 20 &&
        (await count("sending")) > 0 &&
        proxy.sendAttempts.length >= (await count("sent")) + (await count("delivered")) + 8,
      60_000,
      20,
    );
    // Killed the moment posts are in flight and a send reached the proxy under 100 ms ago (each is
    // held 150 ms, so its batch is still leased): nothing awaited between that check and the kill.
    const sending = () => (proxy.sendAttempts.at(-1)?.at ?? 0) > Date.now() - 100;
    const busyBy = Date.now() + 30_000;
    while (!(inFlight >= 2 && sending()) && Date.now() < busyBy)
      await new Promise((r) => setTimeout(r, 1));
    const postsInFlight = inFlight;
    const answeredBefore = acked.size;
    process.kill(-server.pid!, "SIGKILL");
    const killSent = Date.now();
    await new Promise((resolve) =>
      server!.exitCode !== null || server!.signalCode !== null
        ? resolve(null)
        : server!.once("exit", resolve),
    );
    const killedAt = Date.now();
    // The state the dead server left: frozen until the next one starts.
    const leased = await admin<{ id: number; to: string; until: Date }[]>`
      select id::int, to_address as to, lease_until as until from outbound_emails
       where tenant_id = ${tenant.id} and status = 'sending'`;
    const [atKill] = await admin<{ unapplied: number; sent: number; delivered: number }[]>`
      select (select count(*)::int from ses_events where applied_at is null and parked_at is null) as unapplied,
             (select count(*)::int from outbound_emails where tenant_id = ${tenant.id} and status = 'sent') as sent,
             (select count(*)::int from outbound_emails where tenant_id = ${tenant.id} and status = 'delivered') as delivered`;
    expect(leased.length, "a batch was leased when the server died").toBeGreaterThan(0);
    expect(postsInFlight, "posts in flight when the server died").toBeGreaterThan(0);

    // What the dead server had in flight at the proxy lands in SES; then SES at full speed again.
    await new Promise((r) => setTimeout(r, 500));
    proxy.setFault({ kind: "none" });
    server = await startApp(port, certFile);
    const restartedAt = Date.now();

    try {
      await waitFor(
        "every mail to be delivered and every event applied",
        async () => acked.size === MAILS && (await deliveredAndApplied(admin, tenant.id, MAILS)),
        90_000,
        250,
      );
    } finally {
      feeding = false;
      await Promise.all([reader, ...posters]);
    }
    await stopGroup(server);
    server = undefined;

    // Every mail delivered; every SNS message answered 200 stored once per mail and applied.
    expect(await count("delivered")).toBe(MAILS);
    const events = await admin<
      { outbox: number; sns: string; applied: boolean; parked: boolean }[]
    >`select outbound_email_id::int as outbox, sns_message_id as sns,
             applied_at is not null as applied, parked_at is not null as parked
        from ses_events where tenant_id = ${tenant.id}`;
    expect(events).toHaveLength(MAILS);
    expect(new Set(events.map((e) => e.outbox)).size).toBe(MAILS);
    for (const e of events) {
      expect(e.sns).toBe(messageIds.get(e.outbox));
      expect(e.applied && !e.parked).toBe(true);
    }
    expect(
      [...answers.keys()].every((a) => a === "200" || a === "no answer" || a === "500"),
      `webhook answers ${JSON.stringify(Object.fromEntries(answers))}`,
    ).toBe(true);

    // What SES received: each mail once, a second copy only for a mail leased at the kill, after its lease.
    const copies = await receivedAt(to);
    expect(copies.size, "every mail reached SES").toBe(MAILS);
    const leasedTo = new Set(leased.map((l) => l.to));
    const twice = [...copies].filter(([, at]) => at.length > 1).map(([address]) => address);
    expect(
      twice.filter((address) => !leasedTo.has(address)),
      "sent twice without having been leased when the server died",
    ).toEqual([]);
    expect([...copies.values()].every((at) => at.length <= 2)).toBe(true);
    const resent = await admin<{ id: number; sent: Date }[]>`
      select id::int, sent_at as sent from outbound_emails
       where id in ${admin(leased.map((l) => l.id))}`;
    const leaseEnd = new Map(leased.map((l) => [l.id, l.until.getTime()]));
    for (const row of resent)
      expect(row.sent.getTime()).toBeGreaterThanOrEqual(leaseEnd.get(row.id)!);

    // Posts the kill cut off: started before it, not answered.
    const cutOff = attempts.filter((a) => a.start <= killSent && a.answer === "no answer").length;
    expect(
      cutOff,
      "posts the kill cut off (re-posted and stored after the restart)",
    ).toBeGreaterThan(0);
    console.log(
      `[faults] the app server SIGKILLed mid-batch and mid-webhook: ${MAILS} mails, at the kill ` +
        `${atKill!.delivered} delivered, ${atKill!.sent} sent awaiting their event, ${leased.length} leased, ` +
        `${atKill!.unapplied} events stored but not applied, ${answeredBefore} events answered 200 and ` +
        `${postsInFlight} posts in flight (${cutOff} of them cut off); restarted in ${((restartedAt - killedAt) / 1000).toFixed(1)} s; ` +
        `${twice.length} mails reached SES twice (all leased at the kill, re-sent after the ${LEASE_MS} ms lease), ` +
        `webhook answers ${JSON.stringify(Object.fromEntries(answers))}, 0 lost`,
    );
  }, 240_000);
});
