/**
 * The run both database-fault proofs share (db-loss.proof.ts: connections terminated again and
 * again; pg-restart.proof.ts: the server itself stopped and started): the dispatcher, the feedback
 * applier and the SES webhook busy with MAILS resets and their Delivery events while `chaos` does
 * its worst, then what must hold, checked in the database and in what local SES received:
 * - nothing is lost: every mail ends `delivered`, every SES event posted is stored once and applied,
 *   none parked;
 * - the webhook answered 500 (never 2xx) while it could not store an event, so SNS retries, and the
 *   retry was stored;
 * - a mail reached SES at most twice, and a second copy left only after the first one's lease ran
 *   out (an SES acceptance whose record was lost): duplicates stay in the lease window, counted;
 * - no exception escapes uncaught (in a worker or the app it would end the process).
 */
import { eq, sql } from "drizzle-orm";
import type postgres from "postgres";
import { expect } from "vitest";
import { db } from "@/db/client";
import { outboundEmails, sesEvents } from "@/db/schema";
import { startApplier } from "@/lib/feedback/applier";
import { handleSesWebhook } from "@/lib/feedback/webhook";
import { startDispatcher } from "@/lib/mail/dispatcher";
import { refreshAccount } from "@/lib/mail/account";
import type { SesTransport } from "@/lib/mail/transport";
import { makeSigningCertificate } from "@/sim/feedback-simulator";
import { signedNotification, testWebhookDeps } from "@/test/feedback";
import { eventDelivery } from "@/test/fixtures/ses";
import { dispatcherOptions } from "@/test/mail";
import { deliveredAndApplied, receivedAt, rowsOf, tenantWithResets, waitFor } from "./helpers";

const MAILS = 300;
const LEASE_MS = 3_000;

/**
 * Runs the pipeline, calls `chaos` once the first mail is sent, and checks the outcome. `admin` is
 * a connection of its own for the waiting (it may be cut too: postgres.js reconnects it).
 * `chaos` resolves with how many faults it caused and a phrase for the log line.
 */
export async function proveNothingLost(
  transport: SesTransport,
  admin: postgres.Sql,
  chaos: () => Promise<{ faults: number; what: string }>,
): Promise<void> {
  const keys = await makeSigningCertificate();
  const deps = testWebhookDeps(keys.certPem);
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

  // Once work is under way, the fault.
  await waitFor("the first mail to be sent", async () => posted.size > 0, 30_000, 20);
  const { faults, what } = await chaos();

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

  expect(faults, what).toBeGreaterThan(0);
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
    `[faults] ${what}: ${MAILS} mails delivered, ` +
      `${events.length} events applied once, webhook answers ${JSON.stringify(Object.fromEntries(answers))}, ` +
      `dispatcher errors ${problems.dispatcher}, applier errors ${problems.applier}, ` +
      `${twice.length} mails reached SES twice (each after its lease), 0 lost`,
  );
}
