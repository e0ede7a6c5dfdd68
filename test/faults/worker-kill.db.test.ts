/**
 * Fault injection (issue 15, item 1): a worker (`scripts/worker.ts`, the same runtime as the app's)
 * killed with SIGKILL mid-batch. What must hold, checked in the outbox and in what local SES got:
 * - nothing is lost: every mail ends `sent`;
 * - the rows the dead worker had leased go back to the queue only once their lease ran out;
 * - a mail reaches SES twice only if it was in flight (leased) when the worker died, and it is sent
 *   again only after that lease ended: duplicates stay inside the documented lease window, and are
 *   counted.
 */
import type { ChildProcess } from "node:child_process";
import { inArray, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/db/client";
import { outboundEmails } from "@/db/schema";
import { startDispatcher } from "@/lib/mail/dispatcher";
import type { SesFaultProxy } from "@/scripts/lib/ses-fault-proxy";
import type { SesTransport } from "@/lib/mail/transport";
import { dispatcherOptions } from "@/test/mail";
import {
  copiesReceived,
  rowsOf,
  sesBehindFaultProxy,
  startWorker,
  stopProxy,
  tenantWithResets,
  waitFor,
} from "./helpers";

const LEASE_MS = 4_000;
let proxy: SesFaultProxy;
let transport: SesTransport;
let worker: ChildProcess | undefined;

beforeAll(async () => {
  ({ proxy, transport } = await sesBehindFaultProxy(5_000));
});
afterAll(async () => {
  if (worker && worker.exitCode === null) worker.kill("SIGKILL");
  await stopProxy(proxy);
});

describe("a worker killed with SIGKILL mid-batch", () => {
  it("loses nothing: the lease brings its rows back, and only those can reach SES twice", async () => {
    const { tenant, to } = await tenantWithResets(200);
    // Slow SES, so the kill finds a batch half sent.
    proxy.setFault({ kind: "slow", ms: 250 });
    worker = startWorker(proxy.url, {
      MAIL_BATCH_SIZE: "40",
      MAIL_CONCURRENCY: "4",
      MAIL_LEASE_MS: String(LEASE_MS),
    });
    const count = async (status: string) =>
      Number(
        (
          await db.execute<{ n: number }>(
            sql`select count(*)::int as n from outbound_emails where tenant_id = ${tenant.id} and status = ${status}::mail_status`,
          )
        )[0]!.n,
      );
    // Mid-batch: a batch claimed and at least ten of its mails put to SES (recorded only at its end).
    await waitFor(
      "the worker to be mid-batch",
      async () => {
        const sent = await count("sent");
        return sent >= 40 && (await count("sending")) > 0 && proxy.sendAttempts.length >= sent + 10;
      },
      60_000,
      50,
    );
    worker.kill("SIGKILL");
    await new Promise((resolve) => worker!.once("exit", resolve));
    const killedAt = Date.now();

    const leased = await db
      .select({
        id: outboundEmails.id,
        to: outboundEmails.toAddress,
        until: outboundEmails.leaseUntil,
      })
      .from(outboundEmails)
      .where(sql`${outboundEmails.tenantId} = ${tenant.id} and status = 'sending'`);
    expect(leased.length).toBeGreaterThan(0);
    // Let what the dead worker had in flight at the proxy land in SES first (250 ms each).
    await new Promise((r) => setTimeout(r, 500));
    proxy.setFault({ kind: "none" });

    const running = startDispatcher({
      ...dispatcherOptions(transport),
      leaseMs: LEASE_MS,
      pollMs: 100,
      accountCheckMs: 60_000,
      log: () => {},
    });
    try {
      await waitFor(
        "every mail to be sent",
        async () => (await count("sent")) === 200,
        60_000,
        200,
      );
    } finally {
      await running.stop();
    }

    const rows = await rowsOf(tenant.id);
    expect(rows.filter((r) => r.status === "sent")).toHaveLength(200);
    const copies = await copiesReceived(to);
    expect(copies.size, "every mail reached SES").toBe(200);
    const twice = [...copies].filter(([, n]) => n > 1).map(([address]) => address);
    const leasedTo = new Set(leased.map((l) => l.to));
    expect(
      twice.filter((address) => !leasedTo.has(address)),
      "sent twice without having been in flight when the worker died",
    ).toEqual([]);
    expect([...copies.values()].every((n) => n <= 2)).toBe(true);
    // The leased rows were released by their lease, not before: sent again only after it ended.
    const again = await db
      .select({ id: outboundEmails.id, sentAt: outboundEmails.sentAt })
      .from(outboundEmails)
      .where(
        inArray(
          outboundEmails.id,
          leased.map((l) => l.id),
        ),
      );
    const leaseEnd = new Map(leased.map((l) => [l.id, l.until!.getTime()]));
    for (const row of again)
      expect(row.sentAt!.getTime()).toBeGreaterThanOrEqual(leaseEnd.get(row.id)!);
    expect(Math.min(...again.map((r) => r.sentAt!.getTime()))).toBeGreaterThan(killedAt - LEASE_MS);
    console.log(
      `[faults] worker SIGKILLed mid-batch: 200 mails, ${leased.length} leased at the kill, ` +
        `${twice.length} reached SES twice (all of them leased at the kill, re-sent after the ${LEASE_MS} ms lease), 0 lost`,
    );
  }, 150_000);
});
