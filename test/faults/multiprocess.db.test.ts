/**
 * Several processes (issue 15, item 2), the small version for the normal suite: two workers
 * (`scripts/worker.ts`, separate processes) share one queue and one token bucket, with SES saying
 * MaxSendRate is 50/s. What must hold: every mail reaches SES exactly once, both processes took
 * part, and the send rate measured at SES's door never passes what the shared bucket allows (at
 * most one second's worth held, so at most twice the rate in any one second, give or take a tenth
 * of a second of sending lag, and no faster than the rate over the whole run) while reaching the
 * rate. The full run with apps, feedback and a dead list is `npm run proof:multiprocess`.
 */
import type { ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/db/client";
import { refreshAccount } from "@/lib/mail/account";
import type { SesTransport } from "@/lib/mail/transport";
import type { SesFaultProxy } from "@/scripts/lib/ses-fault-proxy";
import { sesStore } from "@/test/mail";
import {
  rowsOf,
  sesBehindFaultProxy,
  startWorker,
  stopProxy,
  tenantWithResets,
  waitFor,
} from "./helpers";

const RATE = 50;
const MAILS = 300;
/** Sends SES may see late, in one second, behind the tokens granted for them (see below). */
const SEND_LAG_ALLOWANCE = RATE / 10;
let proxy: SesFaultProxy;
let transport: SesTransport;
const workers: ChildProcess[] = [];

beforeAll(async () => {
  ({ proxy, transport } = await sesBehindFaultProxy(5_000));
  proxy.setMaxSendRate(RATE);
});
afterAll(async () => {
  await Promise.all(
    workers.map(
      (w) =>
        new Promise((resolve) => {
          if (w.exitCode !== null) return resolve(null);
          w.once("exit", resolve);
          w.kill("SIGTERM");
        }),
    ),
  );
  await stopProxy(proxy);
});

const maxWithin = (times: number[], spanMs: number) => {
  let best = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[i]! - times[j]! >= spanMs) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
};

describe("two worker processes on one queue", () => {
  it("send each mail once and hold the shared MaxSendRate between them", async () => {
    expect((await refreshAccount(db, transport)).ok).toBe(true);
    const { tenant, to } = await tenantWithResets(MAILS);
    for (const i of [0, 1]) {
      // Each signs its mail with its own sender, so what SES got says who sent it.
      workers.push(
        startWorker(proxy.url, {
          SES_FROM_ADDRESS: `Worker ${i} <worker${i}@sendwell.test>`,
          MAIL_BATCH_SIZE: "25",
          MAIL_PIPELINES: "2",
        }),
      );
    }
    await waitFor(
      "every mail to be sent",
      async () => (await rowsOf(tenant.id)).every((r) => r.status === "sent"),
      50_000,
      250,
    );
    expect(
      workers.every((w) => w.exitCode === null),
      "both workers still running",
    ).toBe(true);

    const wanted = new Set(to);
    const received = (await sesStore()).filter((e) => wanted.has(e.destination.to[0]!));
    expect(received).toHaveLength(MAILS);
    expect(new Set(received.map((e) => e.destination.to[0])).size).toBe(MAILS);
    const byWorker = [0, 1].map(
      (i) => received.filter((e) => e.from.includes(`worker${i}@`)).length,
    );
    expect(byWorker[0]! + byWorker[1]!).toBe(MAILS);
    expect(Math.min(...byWorker), `sent by each worker: ${byWorker}`).toBeGreaterThan(0);

    const times = proxy.sendAttempts.map((a) => a.at).sort((a, b) => a - b);
    expect(times).toHaveLength(MAILS);
    const busiestSecond = maxWithin(times, 1_000);
    const spanS = (times.at(-1)! - times[0]!) / 1_000;
    // Never faster than the bucket allows: one second's worth held, then RATE a second. Tokens
    // are taken per batch before its sends start, so SES's door sees a send up to one batch's
    // sending time after its token was granted: a tenth of a second's worth is allowed for that
    // lag (at exactly 2 * RATE the full bucket at the start made this fail on 101 under CI load).
    expect(busiestSecond).toBeLessThanOrEqual(2 * RATE + SEND_LAG_ALLOWANCE);
    expect(spanS).toBeGreaterThanOrEqual((MAILS - RATE) / RATE - 0.25);
    // And the rate is reached: the busiest second at 80% of it or more.
    expect(busiestSecond).toBeGreaterThanOrEqual(0.8 * RATE);
    console.log(
      `[faults] two workers, ${MAILS} mails at MaxSendRate ${RATE}/s: sent once each (${byWorker.join(" + ")}), ` +
        `busiest second ${busiestSecond}, ${spanS.toFixed(1)} s first to last (${(MAILS / spanS).toFixed(1)}/s)`,
    );
  }, 90_000);
});
