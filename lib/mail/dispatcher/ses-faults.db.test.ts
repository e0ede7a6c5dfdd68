/**
 * Fault injection on the wire (issue 15, item 1): the real SESv2 client talks to local SES through
 * the fault proxy, which answers each SES error class, a bare 500, never answers, or cuts the
 * connection. What must hold, checked in the outbox: each class ends in the state DESIGN.md names
 * ("Dispatcher": throttling and server faults retry with backoff, a paused or suspended account holds
 * everything and re-checks GetAccount, MessageRejected and other client faults fail with the
 * reason), nothing reaches SES while it is failing, and mail kept back while SES is down is sent once
 * when it is back.
 */
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/db/client";
import { accountMailState, outboundEmails } from "@/db/schema";
import type { SesFault, SesFaultProxy } from "@/scripts/lib/ses-fault-proxy";
import {
  copiesReceived,
  rowsOf,
  sesBehindFaultProxy,
  stopProxy,
  tenantWithResets,
} from "@/test/faults/helpers";
import { dispatcherOptions } from "@/test/mail";
import { loadAccount, refreshAccount } from "../account";
import type { MailTransport, SesTransport } from "../transport";
import { dispatchOnce, startDispatcher } from ".";

const TIMEOUT_MS = 1_000;
let proxy: SesFaultProxy;
let transport: SesTransport;

beforeAll(async () => {
  ({ proxy, transport } = await sesBehindFaultProxy(TIMEOUT_MS));
});
afterAll(() => stopProxy(proxy));

/** Takes a finished case's waiting rows out of the queue, so its retries cannot meet a later fault. */
const retire = (tenantId: string) =>
  db
    .update(outboundEmails)
    .set({ status: "cancelled", reason: "test_case_done" })
    .where(sql`${outboundEmails.tenantId} = ${tenantId} and status in ('queued', 'held')`);

async function healthyAccount() {
  proxy.setFault({ kind: "none" });
  await db.update(accountMailState).set({ pausedUntil: null }).where(eq(accountMailState.id, 1));
  expect((await refreshAccount(db, transport)).ok).toBe(true);
}

type Case = {
  fault: SesFault;
  /** The outbox state DESIGN.md names for it. */
  status: "queued" | "held" | "failed";
  reason: RegExp;
  /** How many of the batch's three mails are put to SES before the dispatcher stops trying. */
  tried: number;
};

const modelled = (name: string, status: number): SesFault => ({ kind: "error", name, status });
const CASES: Case[] = [
  {
    fault: modelled("TooManyRequestsException", 429),
    status: "queued",
    reason: /^TooManyRequestsException/,
    tried: 3,
  },
  {
    fault: modelled("ThrottlingException", 400),
    status: "queued",
    reason: /^ThrottlingException/,
    tried: 3,
  },
  {
    fault: modelled("SendingPausedException", 400),
    status: "held",
    reason: /^account_paused$/,
    tried: 1,
  },
  {
    fault: modelled("AccountSuspendedException", 400),
    status: "held",
    reason: /^account_paused$/,
    tried: 1,
  },
  {
    fault: modelled("MessageRejected", 400),
    status: "failed",
    reason: /^MessageRejected/,
    tried: 3,
  },
  {
    fault: modelled("MailFromDomainNotVerifiedException", 400),
    status: "failed",
    reason: /^MailFromDomainNotVerifiedException/,
    tried: 3,
  },
  { fault: { kind: "http500" }, status: "queued", reason: /.+/, tried: 3 },
  // No answer: the first is given up after the timeout, the rest of the batch waits untried.
  { fault: { kind: "hang" }, status: "queued", reason: /Timeout/i, tried: 1 },
];

describe("each SES error class on the wire ends as DESIGN.md names", () => {
  for (const c of CASES) {
    const label = c.fault.kind === "error" ? c.fault.name : c.fault.kind;
    it(`${label} -> ${c.status}`, async () => {
      await healthyAccount();
      const { tenant, to } = await tenantWithResets(3);
      proxy.setFault(c.fault);
      const attemptsBefore = proxy.sendAttempts.length;
      const started = Date.now();
      const result = await dispatchOnce(dispatcherOptions(transport, { concurrency: 1 }));
      const took = Date.now() - started;
      proxy.setFault({ kind: "none" });

      expect(result.claimed).toBeGreaterThanOrEqual(3);
      expect(result.sent).toBe(0);
      expect(proxy.sendAttempts.length - attemptsBefore, "SendEmail calls that reached SES").toBe(
        c.tried,
      );
      const rows = await rowsOf(tenant.id);
      expect(rows.map((r) => r.status)).toEqual([c.status, c.status, c.status]);
      // The mail that met the fault carries SES's answer; any the dispatcher stopped before say so.
      expect(rows[0]!.reason).toMatch(c.reason);
      expect(rows.every((r) => r.leaseUntil === null)).toBe(true);
      if (c.status === "queued") {
        expect(rows[0]!.attempts).toBe(1);
        // Backoff: due again later, not at once.
        expect(rows.every((r) => r.nextAttemptAt.getTime() > Date.now())).toBe(true);
      }
      if (c.status === "failed") {
        expect(rows.every((r) => r.attempts === 1 && r.resolvedAt !== null)).toBe(true);
      }
      if (c.status === "held") {
        // Everything holds, and the account was checked again with GetAccount.
        expect(rows.every((r) => r.reason === "account_paused")).toBe(true);
        const account = await loadAccount(db);
        expect(account.checkedAt!.getTime()).toBeGreaterThanOrEqual(started - 1);
      }
      if (c.fault.kind === "hang") {
        // Given up after the transport's timeout, not waiting for ever (three times would be 3 s).
        expect(took).toBeLessThan(TIMEOUT_MS + 2_500);
        expect(rows.slice(1).every((r) => r.attempts === 0 && /^not tried/.test(r.reason!))).toBe(
          true,
        );
      }
      expect((await copiesReceived(to)).size, "nothing reached SES while it was failing").toBe(0);
      await retire(tenant.id);
    });
  }
});

describe("a slow SES", () => {
  it("never keeps a batch sending past half its lease: the rest waits untried, nothing goes twice", async () => {
    await healthyAccount();
    const leaseMs = 2_000;
    const { tenant, to } = await tenantWithResets(10);
    // 400 ms a mail, one at a time: the whole batch would take 4 s, twice the lease.
    proxy.setFault({ kind: "slow", ms: 400 });
    const attemptsBefore = proxy.sendAttempts.length;
    const started = Date.now();
    try {
      await dispatchOnce(dispatcherOptions(transport, { concurrency: 1, leaseMs }));
    } finally {
      proxy.setFault({ kind: "none" });
    }
    const attempts = proxy.sendAttempts.slice(attemptsBefore);
    // No send started after half the lease (plus the claim's own time).
    expect(attempts.every((a) => a.at - started <= leaseMs / 2 + 300)).toBe(true);
    const rows = await rowsOf(tenant.id);
    const sent = rows.filter((r) => r.status === "sent");
    const waiting = rows.filter((r) => r.status === "queued");
    expect(sent.length).toBe(attempts.length);
    expect(sent.length).toBeGreaterThan(0);
    expect(waiting.length).toBe(10 - sent.length);
    expect(
      waiting.every((r) => r.attempts === 0 && /^not tried: SES was too slow/.test(r.reason!)),
    ).toBe(true);
    expect([...(await copiesReceived(to)).values()].every((n) => n === 1)).toBe(true);
    await retire(tenant.id);
  });
});

describe("local SES down for a while", () => {
  it("retries with growing backoff, then sends each mail once when SES is back", async () => {
    await healthyAccount();
    const downForMs = Number(process.env.FAULTS_SES_DOWN_MS ?? 10_000);
    const { tenant, to } = await tenantWithResets(1);
    // Sees every attempt, including those the cut connection never lets reach the proxy.
    const attempts: { at: number; ok: boolean }[] = [];
    const watched: MailTransport = {
      getAccount: () => transport.getAccount(),
      send: async (mail) => {
        const at = Date.now();
        try {
          const sent = await transport.send(mail);
          attempts.push({ at, ok: true });
          return sent;
        } catch (error) {
          attempts.push({ at, ok: false });
          throw error;
        }
      },
    };
    proxy.setFault({ kind: "down" });
    const running = startDispatcher({
      ...dispatcherOptions(watched),
      pollMs: 100,
      accountCheckMs: 1_000,
      log: () => {},
    });
    try {
      await new Promise((r) => setTimeout(r, downForMs));
      proxy.setFault({ kind: "none" });
      const deadline = Date.now() + 40_000;
      while (Date.now() < deadline && (await rowsOf(tenant.id))[0]!.status !== "sent") {
        await new Promise((r) => setTimeout(r, 200));
      }
    } finally {
      await running.stop();
    }

    const [row] = await rowsOf(tenant.id);
    expect(row).toMatchObject({ status: "sent" });
    const failed = attempts.filter((a) => !a.ok);
    expect(failed.length, "attempts while SES was down").toBeGreaterThanOrEqual(3);
    expect(attempts.filter((a) => a.ok)).toHaveLength(1);
    expect(row!.attempts).toBe(attempts.length);
    // Backoff grows: each wait at least 1.5 s (2 s less jitter), and longer than the one before.
    const gaps = attempts.slice(1).map((a, i) => a.at - attempts[i]!.at);
    expect(gaps.every((g) => g >= 1_500)).toBe(true);
    for (let i = 1; i < gaps.length; i++) expect(gaps[i]!).toBeGreaterThan(gaps[i - 1]!);
    expect((await copiesReceived(to)).get(to[0]!)).toBe(1);
  }, 90_000);
});
