import { randomBytes } from "node:crypto";
import {
  AccountSuspendedException,
  InternalServiceErrorException,
  MessageRejected,
  SendingPausedException,
  TooManyRequestsException,
} from "@aws-sdk/client-sesv2";
import { eq, inArray, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "@/db/client";
import {
  accountMailState,
  confirmedAddresses,
  outboundEmails,
  suppressions,
  tenants,
} from "@/db/schema";
import { makeTenant } from "@/test/factories";
import { DEAD_DOMAIN, dispatcherOptions, drain, localSesTransport, sesStore } from "@/test/mail";
import { loadAccount, refreshAccount } from "../account";
import { dispatchOnce, startDispatcher } from ".";
import { enqueue, enqueueBatch } from "../outbox";
import { TemplateParamsError } from "../templates";
import type { AccountStatus, MailTransport, OutgoingMail } from "../transport";

const healthy: AccountStatus = {
  sendingEnabled: true,
  enforcementStatus: "HEALTHY",
  maxSendRate: 100_000,
  max24HourSend: 10_000_000,
  sentLast24Hours: 0,
};

/** A transport that fails the way it is told to, and counts what it was asked to send. */
class ScriptedTransport implements MailTransport {
  sent: OutgoingMail[] = [];
  constructor(
    private readonly fail: () => Error | null,
    private readonly account: AccountStatus = healthy,
  ) {}
  async send(mail: OutgoingMail) {
    const error = this.fail();
    if (error) throw error;
    this.sent.push(mail);
    return { messageId: `msg-${randomBytes(8).toString("hex")}` };
  }
  async getAccount() {
    return this.account;
  }
}

const unique = () => randomBytes(4).toString("hex");
const announcement = (subject = "Notice") => ({ subject, body: "Body of the notice." });
const meta = { $metadata: {}, message: "from the test" };

/** A new tenant with one login code queued for it: the simplest transactional mail. */
async function tenantWithLoginCode() {
  const tenant = await makeTenant();
  await db.transaction((tx) =>
    enqueue(tx, {
      tenantId: tenant.id,
      category: "login_code",
      to: "a@example.com",
      params: { memberName: "A", code: "ABC123" },
    }),
  );
  return tenant;
}

async function rows(tenantId: string) {
  return db
    .select()
    .from(outboundEmails)
    .where(eq(outboundEmails.tenantId, tenantId))
    .orderBy(outboundEmails.id);
}

describe("dispatcher against local SES", () => {
  it("delivers to local SES with the tags, records the SES message id and forgets the secret", async () => {
    const tenant = await makeTenant("Sakura Academy");
    const to = `hanako.${unique()}@example.com`;
    const token = `tok_${randomBytes(12).toString("hex")}`;
    const { id } = await db.transaction((tx) =>
      enqueue(tx, {
        tenantId: tenant.id,
        category: "password_reset",
        to: `  ${to.replace("example.com", "EXAMPLE.com")} `,
        params: { memberName: "Hanako", token },
      }),
    );
    const transport = localSesTransport();
    const captured: { EmailTags?: unknown; ConfigurationSetName?: string }[] = [];
    transport.client.middlewareStack.add(
      (next) => async (args) => {
        if ((args.input as { Destination?: unknown }).Destination)
          captured.push(args.input as never);
        return next(args);
      },
      { step: "initialize" },
    );

    const result = await drain(dispatcherOptions(transport));
    expect(result).toMatchObject({ claimed: 1, sent: 1, blocked: 0, failed: 0 });

    const [row] = await rows(tenant.id);
    expect(row).toMatchObject({
      id,
      status: "sent",
      toAddress: to,
      attempts: 1,
      lane: "transactional",
    });
    expect(row!.params).not.toHaveProperty("token");
    const stored = (await sesStore()).find((e) => e.messageId === row!.sesMessageId);
    expect(stored?.destination.to).toEqual([to]);
    expect(stored?.subject).toBe("Reset your Sakura Academy password");
    expect(stored?.body.text).toContain(
      `http://localhost:3000/t/${tenant.slug}/reset-password?token=${token}`,
    );
    expect(captured).toEqual([
      expect.objectContaining({
        ConfigurationSetName: "sendwell-transactional",
        EmailTags: [
          { Name: "tenant", Value: tenant.id },
          { Name: "category", Value: "password_reset" },
          { Name: "outbox_id", Value: String(id) },
        ],
      }),
    ]);
  });

  it("blocks mail it must not send, each with its reason, and sends none of it", async () => {
    const tenant = await makeTenant();
    const suppressed = `gone.${unique()}@example.com`;
    await db
      .insert(suppressions)
      .values({ scope: "tenant", tenantId: tenant.id, address: suppressed, reason: "bounce" });
    const cases = [
      { to: null, reason: "no_address" },
      { to: "not an address", reason: "invalid_address" },
      { to: `x@${DEAD_DOMAIN}`, reason: "domain_not_found" },
      { to: "y@nowhere.invalid", reason: "domain_not_found" },
      { to: suppressed, reason: "suppressed" },
    ];
    await db.transaction((tx) =>
      enqueueBatch(
        tx,
        cases.map((c) => ({
          tenantId: tenant.id,
          category: "announcement",
          to: c.to,
          params: announcement(),
        })),
      ),
    );
    const transport = new ScriptedTransport(() => null);
    const result = await drain(dispatcherOptions(transport));
    expect(result).toMatchObject({ claimed: 5, blocked: 5, sent: 0 });
    expect(transport.sent).toHaveLength(0);
    expect((await rows(tenant.id)).map((r) => [r.status, r.reason])).toEqual(
      cases.map((c) => ["blocked", c.reason]),
    );
  });

  it("maps each SES exception to the state DESIGN.md gives it", async () => {
    const cases = [
      {
        error: new TooManyRequestsException(meta),
        status: "queued",
        reason: /^TooManyRequestsException/,
      },
      {
        error: new InternalServiceErrorException(meta),
        status: "queued",
        reason: /^InternalServiceErrorException/,
      },
      {
        error: new MessageRejected(meta),
        status: "failed",
        reason: /^MessageRejected: from the test/,
      },
      { error: new SendingPausedException(meta), status: "held", reason: /^account_paused$/ },
      { error: new AccountSuspendedException(meta), status: "held", reason: /^account_paused$/ },
    ];
    for (const c of cases) {
      const tenant = await makeTenant();
      await db
        .update(accountMailState)
        .set({ pausedUntil: null })
        .where(eq(accountMailState.id, 1));
      await db.transaction((tx) =>
        enqueue(tx, {
          tenantId: tenant.id,
          category: "login_code",
          to: `a.${unique()}@example.com`,
          params: { memberName: "A", code: "ABC123" },
        }),
      );
      const paused = { ...healthy, sendingEnabled: false };
      const transport = new ScriptedTransport(
        () => c.error,
        c.status === "held" ? paused : healthy,
      );
      await refreshAccount(db, transport);
      await dispatchOnce(dispatcherOptions(transport));
      const [row] = await rows(tenant.id);
      expect(row!.status, c.error.name).toBe(c.status);
      expect(row!.reason, c.error.name).toMatch(c.reason);
      if (c.status === "queued") {
        expect(row!.attempts).toBe(1);
        expect(row!.nextAttemptAt.getTime()).toBeGreaterThan(Date.now());
      }
      if (c.status === "held") {
        const account = await loadAccount(db);
        expect(account.pausedUntil!.getTime()).toBeGreaterThan(Date.now());
        expect(account.sendingEnabled).toBe(false);
      }
    }
    await db.update(accountMailState).set({ pausedUntil: null }).where(eq(accountMailState.id, 1));
  });

  it("gives up after the last attempt with the reason", async () => {
    const tenant = await tenantWithLoginCode();
    await db
      .update(outboundEmails)
      .set({ attempts: 7 })
      .where(eq(outboundEmails.tenantId, tenant.id));
    const transport = new ScriptedTransport(() => new TooManyRequestsException(meta));
    await refreshAccount(db, transport);
    await dispatchOnce(dispatcherOptions(transport, { maxAttempts: 8 }));
    expect((await rows(tenant.id))[0]).toMatchObject({ status: "failed", attempts: 8 });
  });

  it("holds everything while SES says the account is paused, and sends when it recovers", async () => {
    const tenant = await tenantWithLoginCode();
    const down = new ScriptedTransport(() => null, { ...healthy, sendingEnabled: false });
    await refreshAccount(db, down);
    await dispatchOnce(dispatcherOptions(down));
    expect((await rows(tenant.id))[0]).toMatchObject({ status: "held", reason: "account_paused" });
    expect(down.sent).toHaveLength(0);

    const up = new ScriptedTransport(() => null);
    await refreshAccount(db, up);
    await db
      .update(outboundEmails)
      .set({ nextAttemptAt: new Date() })
      .where(eq(outboundEmails.tenantId, tenant.id));
    await drain(dispatcherOptions(up));
    expect((await rows(tenant.id))[0]).toMatchObject({ status: "sent" });
  });

  it("waits, rather than fails, until SES has answered GetAccount once", async () => {
    await db.update(accountMailState).set({ checkedAt: null }).where(eq(accountMailState.id, 1));
    const tenant = await tenantWithLoginCode();
    const unreachable: MailTransport = {
      send: async () => ({ messageId: "never" }),
      getAccount: async () => {
        throw Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { name: "Error" });
      },
    };
    const checked = await refreshAccount(db, unreachable);
    expect(checked.ok).toBe(false);
    expect((await dispatchOnce(dispatcherOptions(unreachable))).claimed).toBe(0);
    expect((await rows(tenant.id))[0]).toMatchObject({ status: "queued", attempts: 0 });
    await db
      .update(accountMailState)
      .set({ checkedAt: new Date() })
      .where(eq(accountMailState.id, 1));
  });

  it("sends again a row whose dispatcher died mid-send", async () => {
    const tenant = await tenantWithLoginCode();
    await db
      .update(outboundEmails)
      .set({ status: "sending", leaseUntil: new Date(Date.now() - 1_000) })
      .where(eq(outboundEmails.tenantId, tenant.id));
    const transport = new ScriptedTransport(() => null);
    await drain(dispatcherOptions(transport));
    expect((await rows(tenant.id))[0]).toMatchObject({ status: "sent" });
    expect(transport.sent.filter((m) => m.tags.tenant === tenant.id)).toHaveLength(1);
  });

  it("leaves a live lease alone", async () => {
    const tenant = await tenantWithLoginCode();
    await db
      .update(outboundEmails)
      .set({ status: "sending", leaseUntil: new Date(Date.now() + 60_000) })
      .where(eq(outboundEmails.tenantId, tenant.id));
    const transport = new ScriptedTransport(() => null);
    await drain(dispatcherOptions(transport));
    expect((await rows(tenant.id))[0]).toMatchObject({ status: "sending" });
    expect(transport.sent).toHaveLength(0);
  });

  it("lets a new tenant's unconfirmed bulk mail out one window at a time", async () => {
    const tenant = await makeTenant();
    await db.transaction((tx) =>
      enqueueBatch(
        tx,
        Array.from({ length: 100 }, (_, i) => ({
          tenantId: tenant.id,
          category: "announcement" as const,
          to: `new${i}.${unique()}@example.com`,
          params: announcement(),
        })),
      ),
    );
    const transport = new ScriptedTransport(() => null);
    const result = await drain(dispatcherOptions(transport));
    expect(result.sent).toBe(25);
    const all = await rows(tenant.id);
    expect(all.filter((r) => r.status === "sent")).toHaveLength(25);
    expect(all.filter((r) => r.status === "sent").every((r) => r.confirmBy !== null)).toBe(true);
    const held = all.filter((r) => r.status === "held");
    expect(held).toHaveLength(75);
    expect(new Set(held.map((r) => r.reason))).toEqual(new Set(["window_full"]));
  });

  it("sends bulk mail to addresses SES has delivered to without waiting on the window", async () => {
    const tenant = await makeTenant();
    const addresses = Array.from({ length: 60 }, (_, i) => `known${i}.${unique()}@example.com`);
    await db.insert(confirmedAddresses).values(addresses.map((address) => ({ address })));
    await db.transaction((tx) =>
      enqueueBatch(
        tx,
        addresses.map((to) => ({
          tenantId: tenant.id,
          category: "announcement" as const,
          to,
          params: announcement(),
        })),
      ),
    );
    await drain(dispatcherOptions(new ScriptedTransport(() => null)));
    // This tenant's rows, not the drain's total: an earlier test's held mail may fall due meanwhile.
    const mine = await rows(tenant.id);
    expect(mine.filter((r) => r.status === "sent")).toHaveLength(60);
    expect(mine.every((r) => r.confirmBy === null)).toBe(true);
  });

  it("sends each of 2,000 rows exactly once with two dispatchers running at once", async () => {
    const tenant = await makeTenant("Concurrent");
    const marker = unique();
    const addresses = Array.from({ length: 2_000 }, (_, i) => `c${i}.${marker}@example.com`);
    await db.insert(confirmedAddresses).values(addresses.map((address) => ({ address })));
    await db.transaction((tx) =>
      enqueueBatch(
        tx,
        addresses.map((to, i) => ({
          tenantId: tenant.id,
          category: i % 2 ? ("announcement" as const) : ("login_code" as const),
          to,
          params: i % 2 ? announcement(`n${i}`) : { memberName: "A", code: "ABC123" },
        })),
      ),
    );
    // Two dispatchers, each with its own SES client, counting what each was asked to send.
    const sentBy = { a: [] as string[], b: [] as string[] };
    const counting = (name: "a" | "b"): MailTransport => {
      const ses = localSesTransport();
      return {
        getAccount: () => ses.getAccount(),
        send: async (mail) => {
          if (mail.tags.tenant === tenant.id) sentBy[name].push(mail.tags.outbox);
          return ses.send(mail);
        },
      };
    };
    const a = counting("a");
    const b = counting("b");
    await refreshAccount(db, a);
    const run = async (transport: MailTransport) => {
      for (;;) {
        const r = await dispatchOnce(dispatcherOptions(transport, { batchSize: 50 }));
        if (r.claimed === 0) return;
      }
    };
    await Promise.all([run(a), run(b)]);
    const outboxIds = [...sentBy.a, ...sentBy.b];
    expect(outboxIds).toHaveLength(2_000);
    expect(new Set(outboxIds).size).toBe(2_000);
    expect(sentBy.a.length).toBeGreaterThan(0);
    expect(sentBy.b.length).toBeGreaterThan(0);

    const all = await rows(tenant.id);
    expect(all.every((r) => r.status === "sent" && r.attempts === 1)).toBe(true);
    const stored = (await sesStore()).filter((e) =>
      e.destination.to[0]!.endsWith(`.${marker}@example.com`),
    );
    expect(stored).toHaveLength(2_000);
    expect(new Set(stored.map((e) => e.destination.to[0])).size).toBe(2_000);
    expect(new Set(all.map((r) => r.sesMessageId))).toEqual(
      new Set(stored.map((e) => e.messageId)),
    );
  });
});

describe("startDispatcher", () => {
  it("sends what is queued, idles without piling up listeners, and stops after the batch in hand", async () => {
    const tenant = await tenantWithLoginCode();
    const transport = new ScriptedTransport(() => null);
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on("warning", onWarning);
    const running = startDispatcher({
      ...dispatcherOptions(transport),
      pollMs: 5,
      accountCheckMs: 60_000,
      log: () => {},
    });
    for (
      let i = 0;
      i < 200 && transport.sent.filter((m) => m.tags.tenant === tenant.id).length === 0;
      i++
    ) {
      await new Promise((r) => setTimeout(r, 20));
    }
    await new Promise((r) => setTimeout(r, 300)); // dozens of idle polls
    await running.stop();
    process.off("warning", onWarning);
    expect((await rows(tenant.id))[0]).toMatchObject({ status: "sent" });
    expect(warnings).not.toContain("MaxListenersExceededWarning");
    await expect(running.done).resolves.toBeUndefined();
  });
});

describe("enqueue", () => {
  it("fails bad template parameters in the caller's transaction, leaving nothing behind", async () => {
    const slug = `t-${unique()}`;
    await expect(
      db.transaction(async (tx) => {
        const [tenant] = await tx.insert(tenants).values({ slug, name: "Rolled back" }).returning();
        await enqueue(tx, {
          tenantId: tenant!.id,
          category: "invitation",
          to: "a@example.com",
          params: { memberName: "A" },
        });
      }),
    ).rejects.toThrow(TemplateParamsError);
    expect(await db.select().from(tenants).where(eq(tenants.slug, slug))).toHaveLength(0);
  });

  it("keeps a mail with no or a bad address, so the guard can block it with its reason", async () => {
    const tenant = await makeTenant();
    await db.transaction((tx) =>
      enqueueBatch(tx, [
        { tenantId: tenant.id, category: "announcement", to: null, params: announcement() },
        { tenantId: tenant.id, category: "announcement", to: "  ", params: announcement() },
        {
          tenantId: tenant.id,
          category: "announcement",
          to: "broken@@address",
          params: announcement(),
        },
      ]),
    );
    const stored = await db
      .select({ to: outboundEmails.toAddress, status: outboundEmails.status })
      .from(outboundEmails)
      .where(inArray(outboundEmails.tenantId, [tenant.id]));
    // In any order: the rows come back as the database likes without an ORDER BY (CI saw both).
    expect(stored).toHaveLength(3);
    expect(stored).toEqual(
      expect.arrayContaining([
        { to: null, status: "queued" },
        { to: "broken@@address", status: "queued" },
      ]),
    );
    expect(stored.filter((r) => r.to === null)).toHaveLength(2);
    expect((await db.execute(sql`select 1`)).length).toBe(1);
  });
});
