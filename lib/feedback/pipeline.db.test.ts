import { randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { and, eq, inArray, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, inject } from "vitest";
import { db } from "@/db/client";
import { outboundEmails, suppressions, tenantMailState, users } from "@/db/schema";
import { refreshAccount } from "@/lib/mail/account";
import { dispatchOnce } from "@/lib/mail/dispatcher";
import { enqueueBatch } from "@/lib/mail/outbox";
import {
  FeedbackSimulator,
  makeSigningCertificate,
  SIMULATOR_TOPIC_ARN,
} from "@/sim/feedback-simulator";
import { makeTenant } from "@/test/factories";
import { DEAD_DOMAIN, dispatcherOptions, localSesTransport } from "@/test/mail";
import { applyPending } from "./applier";
import { SnsVerifier } from "./sns";
import { handleSesWebhook, type WebhookDeps } from "./webhook";

let server: http.Server;
let webhookUrl: string;
let keys: { privateKeyPem: string; certPem: string };

beforeAll(async () => {
  keys = await makeSigningCertificate();
  const deps: WebhookDeps = {
    db,
    verifier: new SnsVerifier({ trustedCertificatePem: keys.certPem }),
    topicArns: new Set([SIMULATOR_TOPIC_ARN]),
    // Printed, so a failed post in this test says why.
    log: (m) => console.error(`[webhook] ${m}`),
  };
  // The same verify-and-ingest function the route calls, behind a bare HTTP server.
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const answer = await handleSesWebhook(Buffer.concat(chunks).toString("utf8"), deps);
      res
        .writeHead(answer.status, { "content-type": "application/json" })
        .end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  webhookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/webhooks/ses`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("the whole feedback loop", () => {
  it("turns a bulk registration with dead addresses into suppressions, member statuses and an open breaker", async () => {
    const tenant = await makeTenant("Incident School");
    const run = randomBytes(3).toString("hex");
    // 100 new members: 30 dead mailboxes at a live domain, 10 at a domain that does not exist, 60 alive.
    const members = Array.from({ length: 100 }, (_, i) => {
      const email =
        i % 10 < 3
          ? `gone${i}.${run}@live-school.example.com`
          : i % 10 === 3
            ? `x${i}.${run}@${DEAD_DOMAIN}`
            : `alive${i}.${run}@live-school.example.com`;
      return { loginId: `member${i}.${run}`.slice(0, 30), email };
    });
    const deadMailboxes = new Set(
      members.filter((m) => m.email.startsWith("gone")).map((m) => m.email),
    );
    const inserted = await db
      .insert(users)
      .values(
        members.map((m) => ({
          tenantId: tenant.id,
          role: "learner" as const,
          loginId: m.loginId,
          email: m.email,
          emailStatus: "unchecked" as const,
        })),
      )
      .returning({ id: users.id, email: users.email });
    await db.transaction((tx) =>
      enqueueBatch(
        tx,
        inserted.map((u) => ({
          tenantId: tenant.id,
          memberId: u.id,
          category: "invitation" as const,
          to: u.email,
          params: {
            memberName: "",
            loginId: "member.login",
            token: randomBytes(16).toString("hex"),
          },
        })),
      ),
    );

    const simulator = new FeedbackSimulator({
      sesUrl: inject("sesUrl"),
      webhookUrl,
      privateKeyPem: keys.privateKeyPem,
      deadDomains: new Set([DEAD_DOMAIN]),
      deadMailboxes,
      delayMs: 0,
      since: Math.floor(Date.now() / 1000) - 1,
      only: (to) => to.includes(`.${run}@`),
      log: (m) => console.error(`[simulator] ${m}`),
    });
    const options = dispatcherOptions(localSesTransport());
    await refreshAccount(db, options.transport);

    // Rounds of: dispatch what the guard allows, let SES report, let held mail come due again.
    for (let round = 0; round < 10; round++) {
      while ((await dispatchOnce(options)).claimed > 0);
      await new Promise((r) => setTimeout(r, 1_100)); // local SES stamps whole seconds
      await simulator.tick();
      await applyPending(db);
      await db
        .update(outboundEmails)
        .set({ nextAttemptAt: new Date() })
        .where(and(eq(outboundEmails.tenantId, tenant.id), eq(outboundEmails.status, "held")));
      const [now] = await db
        .select()
        .from(tenantMailState)
        .where(eq(tenantMailState.tenantId, tenant.id));
      if (now?.breaker === "open") break;
    }
    while ((await dispatchOnce(options)).claimed > 0);
    expect(simulator.failed).toBe(0);

    const [state] = await db
      .select()
      .from(tenantMailState)
      .where(eq(tenantMailState.tenantId, tenant.id));
    expect(state!.breaker).toBe("open");
    expect(state!.breakerReason).toMatch(/Hard-bounce rate/);

    const mails = await db
      .select()
      .from(outboundEmails)
      .where(eq(outboundEmails.tenantId, tenant.id));
    const byStatus = (s: string) => mails.filter((m) => m.status === s);
    // The dead domain never left: blocked before sending.
    expect(byStatus("blocked").map((m) => m.reason)).toEqual(Array(10).fill("domain_not_found"));
    // Only the first window went out before the breaker opened; the rest waits for the admin.
    const sent = mails.filter((m) => m.sentAt !== null);
    expect(sent.length).toBeLessThanOrEqual(45);
    // Here the tenant is the whole account, so the account guard (step 4) trips too and is named first.
    for (const held of byStatus("held"))
      expect(["account_guard", "tenant_paused"]).toContain(held.reason);
    expect(byStatus("held").length).toBeGreaterThan(40);
    // Every bounce is a dead mailbox and was suppressed for the tenant and the account.
    const bounced = byStatus("bounced").map((m) => m.toAddress!);
    expect(bounced.length).toBeGreaterThan(0);
    expect(bounced.every((a) => deadMailboxes.has(a))).toBe(true);
    const suppressed = await db
      .select({ address: suppressions.address, scope: suppressions.scope })
      .from(suppressions)
      .where(inArray(suppressions.address, bounced));
    expect(suppressed).toHaveLength(bounced.length * 2);
    // Deliveries confirmed the live ones.
    expect(byStatus("delivered").every((m) => m.toAddress!.startsWith("alive"))).toBe(true);

    const statuses = await db.execute<{ email_status: string; n: number }>(sql`
      select email_status, count(*)::int as n from users where tenant_id = ${tenant.id} group by email_status`);
    const count = (s: string) => statuses.find((r) => r.email_status === s)?.n ?? 0;
    expect(count("bounced")).toBe(bounced.length);
    expect(count("ok")).toBe(byStatus("delivered").length);
  });
});
