/** Shared by the fault-injection tests (issue 15, item 1): mail to queue, SES behind the fault proxy. */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import type postgres from "postgres";
import { inject } from "vitest";
import { db } from "@/db/client";
import { outboundEmails } from "@/db/schema";
import { enqueueBatch } from "@/lib/mail/outbox";
import { SesTransport } from "@/lib/mail/transport";
import { startSesFaultProxy, type SesFaultProxy } from "@/scripts/lib/ses-fault-proxy";
import { sesStore } from "@/test/mail";
import { makeTenant } from "@/test/factories";

/** The fault proxy in front of the test run's local SES, and an SESv2 client that goes through it. */
export async function sesBehindFaultProxy(timeoutMs: number) {
  const proxy = await startSesFaultProxy(0, inject("sesUrl"));
  const transport = new SesTransport({
    AWS_REGION: "us-east-1",
    SES_ENDPOINT: proxy.url,
    SES_FROM_ADDRESS: "Sendwell Test <no-reply@sendwell.test>",
    SES_CONFIGURATION_SET_TRANSACTIONAL: undefined,
    SES_CONFIGURATION_SET_BULK: undefined,
    SES_TENANTS: "false",
    SES_TIMEOUT_MS: timeoutMs,
  });
  return { proxy, transport };
}

export async function stopProxy(proxy: SesFaultProxy): Promise<void> {
  proxy.setFault({ kind: "none" });
  await new Promise<void>((resolve) => {
    proxy.server.close(() => resolve());
    proxy.server.closeAllConnections();
  });
}

/** A new tenant with `n` password resets queued (transactional: no window stands in the way). */
export async function tenantWithResets(n: number) {
  const tenant = await makeTenant();
  const tag = randomBytes(4).toString("hex");
  const to = Array.from({ length: n }, (_, i) => `r${i}.${tag}@example.com`);
  await db.transaction((tx) =>
    enqueueBatch(
      tx,
      to.map((address) => ({
        tenantId: tenant.id,
        category: "password_reset" as const,
        to: address,
        params: { memberName: "A", token: `tok_${randomBytes(12).toString("hex")}` },
      })),
    ),
  );
  return { tenant, to };
}

export const rowsOf = (tenantId: string) =>
  db
    .select()
    .from(outboundEmails)
    .where(eq(outboundEmails.tenantId, tenantId))
    .orderBy(outboundEmails.id);

/** When (whole seconds) local SES received each copy of each of `to`. */
export async function receivedAt(to: readonly string[]): Promise<Map<string, number[]>> {
  const wanted = new Set(to);
  const copies = new Map<string, number[]>();
  for (const e of await sesStore()) {
    const address = e.destination.to[0]!;
    if (wanted.has(address)) copies.set(address, [...(copies.get(address) ?? []), e.at]);
  }
  return copies;
}

/** All `mails` of the tenant delivered and no SES event of the database left to apply. */
export async function deliveredAndApplied(
  sql: postgres.Sql,
  tenantId: string,
  mails: number,
): Promise<boolean> {
  const [row] = await sql<{ delivered: number; pending: number }[]>`
    select (select count(*)::int from outbound_emails where tenant_id = ${tenantId} and status = 'delivered') as delivered,
           (select count(*)::int from ses_events where applied_at is null and parked_at is null) as pending`;
  return row!.delivered === mails && row!.pending === 0;
}

/** How many copies of each of `to` local SES received. */
export async function copiesReceived(to: readonly string[]): Promise<Map<string, number>> {
  const wanted = new Set(to);
  const copies = new Map<string, number>();
  for (const e of await sesStore()) {
    const address = e.destination.to[0]!;
    if (wanted.has(address)) copies.set(address, (copies.get(address) ?? 0) + 1);
  }
  return copies;
}

export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
  everyMs = 100,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/**
 * `npm run worker` on this test file's database, sending through `sesUrl`, as one node process (so
 * a signal reaches the worker itself, not a tsx wrapper).
 */
export function startWorker(sesUrl: string, extra: Record<string, string> = {}): ChildProcess {
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/worker.ts"], {
    env: {
      ...process.env,
      DATABASE_URL: process.env.DATABASE_URL,
      SES_ENDPOINT: sesUrl,
      ADDRESS_DNS: "offline",
      MAIL_PIPELINES: "1",
      MAIL_POLL_MS: "100",
      ...extra,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.resume();
  child.stderr?.resume();
  return child;
}
