/**
 * Fault injection (issue 15, item 1): PostgreSQL connections lost while the dispatcher, the feedback
 * applier and the SES webhook are all busy. The machine's PostgreSQL is shared, so instead of
 * restarting it this test terminates every backend of its own database (`pg_terminate_backend`,
 * this test file's database only) again and again for a few seconds, which is what a restart looks
 * like to the app: every connection dropped, queries and transactions in flight failing.
 * What must hold afterwards, checked in the database and in what local SES received:
 * - nothing is lost: every mail ends `delivered`, every SES event posted is stored once and applied,
 *   none parked;
 * - the webhook answered 500 (never 2xx) while it could not store an event, so SNS retries, and the
 *   retry was stored;
 * - a mail reached SES at most twice, and a second copy left only after the first one's lease ran
 *   out (an SES acceptance whose record was lost): duplicates stay in the lease window, counted;
 * - no exception escapes uncaught (in a worker or the app it would end the process).
 * Run with `npm run proof:db-loss` (vitest.proof.config.ts): not in the normal suite, it takes half
 * a minute. It failed on the unpatched postgres 3.4.9: see scripts/patch-postgres.mjs and README, "Reliability".
 */
import { eq, sql } from "drizzle-orm";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/db/client";
import { outboundEmails, sesEvents } from "@/db/schema";
import { startApplier } from "@/lib/feedback/applier";
import { handleSesWebhook, type WebhookDeps } from "@/lib/feedback/webhook";
import { startDispatcher } from "@/lib/mail/dispatcher";
import { refreshAccount } from "@/lib/mail/account";
import { makeSigningCertificate } from "@/sim/feedback-simulator";
import { signedNotification, testWebhookDeps } from "@/test/feedback";
import { eventDelivery } from "@/test/fixtures/ses";
import type { SesFaultProxy } from "@/scripts/lib/ses-fault-proxy";
import type { SesTransport } from "@/lib/mail/transport";
import { dispatcherOptions } from "@/test/mail";
import {
  deliveredAndApplied,
  receivedAt,
  rowsOf,
  sesBehindFaultProxy,
  stopProxy,
  tenantWithResets,
  waitFor,
} from "./helpers";

const MAILS = 300;
const LEASE_MS = 3_000;
const CHAOS_MS = Number(process.env.FAULTS_DB_LOSS_MS ?? 4_000);

let keys: { privateKeyPem: string; certPem: string };
let deps: WebhookDeps;
let admin: postgres.Sql;
let proxy: SesFaultProxy;
let transport: SesTransport;

beforeAll(async () => {
  ({ proxy, transport } = await sesBehindFaultProxy(5_000));
  // SES a little slow (60 ms a mail), so the sending is still going on when the connections drop.
  proxy.setFault({ kind: "slow", ms: 60 });
  keys = await makeSigningCertificate();
  deps = testWebhookDeps(keys.certPem);
  // Outside the app's pool, so it survives what it does to the others.
  admin = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
});
afterAll(async () => {
  await admin.end({ timeout: 1 });
  await stopProxy(proxy);
});

/** Drops every other connection to this test's database; how many it dropped. */
async function dropConnections(): Promise<number> {
  const [row] = await admin<{ n: number }[]>`
    select count(pg_terminate_backend(pid))::int as n from pg_stat_activity
     where datname = current_database() and pid <> pg_backend_pid()`;
  return row?.n ?? 0;
}

describe("PostgreSQL connections lost while the dispatcher, applier and webhook are busy", () => {
  it("loses no mail and no event; duplicates only inside the lease window, counted", async () => {
    await refreshAccount(db, transport);
    const { tenant, to } = await tenantWithResets(MAILS);
    const uncaught: string[] = [];
    const onUncaught = (error: Error) =>
      uncaught.push(String(error.stack ?? error).split("\n")[1] ?? "");
    process.on("uncaughtException", onUncaught);
    const problems = { dispatcher: 0, applier: 0 };
    const dispatcher = startDispatcher({
      ...dispatcherOptions(transport, { batchSize: 25, concurrency: 5 }),
      leaseMs: LEASE_MS,
      pollMs: 50,
      accountCheckMs: 60_000,
      log: () => problems.dispatcher++,
    });
    const applier = startApplier({ db, pollMs: 200, log: () => problems.applier++ });

    // SNS's part: a Delivery for each mail once it is sent, posted until the webhook says 200.
    const answers = new Map<number, number>();
    const posted = new Set<number>();
    let feeding = true;
    const feeder = (async () => {
      while (feeding) {
        try {
          const sent = await db
            .select({
              id: outboundEmails.id,
              to: outboundEmails.toAddress,
              ses: outboundEmails.sesMessageId,
            })
            .from(outboundEmails)
            .where(sql`${outboundEmails.tenantId} = ${tenant.id} and status = 'sent'`);
          for (const m of sent.filter((s) => !posted.has(s.id))) {
            const event = eventDelivery({ id: m.ses!, to: [m.to!] });
            event.mail.tags.outbox_id = [String(m.id)];
            const { status } = await handleSesWebhook(
              signedNotification(keys.privateKeyPem, event),
              deps,
            );
            answers.set(status, (answers.get(status) ?? 0) + 1);
            if (status === 200) posted.add(m.id);
          }
        } catch {
          // The feeder's own read failed with the rest: it simply reads again.
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    })();

    // Once work is under way, drop every connection every 250 ms for CHAOS_MS.
    await waitFor("the first mail to be sent", async () => posted.size > 0, 30_000, 20);
    let dropped = 0;
    const chaosEnd = Date.now() + CHAOS_MS;
    while (Date.now() < chaosEnd) {
      dropped += await dropConnections();
      await new Promise((r) => setTimeout(r, 250));
    }

    try {
      await waitFor(
        "every mail to be delivered and every event applied",
        () => deliveredAndApplied(admin, tenant.id, MAILS),
        60_000,
        250,
      );
    } finally {
      feeding = false;
      process.off("uncaughtException", onUncaught);
      expect(uncaught, "exceptions that would have ended the process").toEqual([]);
      await feeder;
      await Promise.all([dispatcher.stop(), applier.stop()]);
    }

    expect(dropped, "connections dropped").toBeGreaterThan(0);
    // The faults were felt: some part of the pipeline failed and recovered.
    expect(problems.dispatcher + problems.applier + (answers.get(500) ?? 0)).toBeGreaterThan(0);
    expect(
      [...answers.keys()].every((s) => s === 200 || s === 500),
      `answers ${[...answers]}`,
    ).toBe(true);

    const rows = await rowsOf(tenant.id);
    expect(rows.filter((r) => r.status === "delivered")).toHaveLength(MAILS);
    const events = await db.select().from(sesEvents).where(eq(sesEvents.tenantId, tenant.id));
    expect(events).toHaveLength(MAILS);
    expect(new Set(events.map((e) => e.outboundEmailId)).size).toBe(MAILS);
    expect(events.every((e) => e.appliedAt !== null && e.parkedAt === null)).toBe(true);

    // What SES received: each mail at least once, at most twice, a second copy only after the lease.
    const copies = await receivedAt(to);
    expect(copies.size).toBe(MAILS);
    const twice = [...copies.values()].filter((at) => at.length > 1);
    expect(twice.every((at) => at.length === 2)).toBe(true);
    // `at` is in whole seconds: a second copy is at least the lease (less a second of rounding) later.
    for (const [first, second] of twice)
      expect(second! - first!).toBeGreaterThanOrEqual(LEASE_MS / 1_000 - 1);
    console.log(
      `[faults] PostgreSQL connections dropped ${dropped} times over ${CHAOS_MS} ms: ${MAILS} mails delivered, ` +
        `${events.length} events applied once, webhook answers ${JSON.stringify(Object.fromEntries(answers))}, ` +
        `dispatcher errors ${problems.dispatcher}, applier errors ${problems.applier}, ` +
        `${twice.length} mails reached SES twice (each after its lease), 0 lost`,
    );
  }, 150_000);
});
