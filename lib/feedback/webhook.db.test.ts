import { randomBytes, randomUUID } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { beforeAll, describe, expect, it } from "vitest";
import { db, type Database } from "@/db/client";
import * as schema from "@/db/schema";
import {
  outboundEmails,
  sesEvents,
  snsSubscriptions,
  suppressions,
  tenantMailState,
  users,
} from "@/db/schema";
import { CERT_URL, mailRow, sentMail, signedNotification, testWebhookDeps } from "@/test/feedback";
import { makeSigningCertificate, SIMULATOR_TOPIC_ARN } from "@/sim/feedback-simulator";
import { NO_TENANT } from "@/lib/health/rollup";
import {
  eventBounce,
  eventComplaint,
  eventDelivery,
  notificationBounce,
  notificationDelivery,
} from "@/test/fixtures/ses";
import { signSnsMessage } from "@/sim/sns-signing";
import { applyPending } from "./applier";
import { SnsVerifier, type SnsMessage } from "./sns";
import { handleSesWebhook, type WebhookDeps } from "./webhook";

let keys: { privateKeyPem: string; certPem: string };
let deps: WebhookDeps;

beforeAll(async () => {
  keys = await makeSigningCertificate();
  deps = testWebhookDeps(keys.certPem, { confirm: async () => ({ ok: true, status: 200 }) });
});

const notification = (
  payload: unknown,
  overrides: Partial<SnsMessage> = {},
  version: "1" | "2" = "2",
) => signedNotification(keys.privateKeyPem, payload, overrides, version);

describe("handleSesWebhook: refusals", () => {
  it("answers 400 to a body that is not an SNS message", async () => {
    expect((await handleSesWebhook("not json", deps)).status).toBe(400);
    expect((await handleSesWebhook(JSON.stringify({ Type: "Notification" }), deps)).status).toBe(
      400,
    );
  });

  it("answers 403 to a forged signature, another topic, or a certificate off SNS", async () => {
    const good = JSON.parse(notification(eventDelivery())) as SnsMessage;
    const forged = { ...good, Message: good.Message.replace("recipient", "attacker") };
    expect((await handleSesWebhook(JSON.stringify(forged), deps)).status).toBe(403);
    const otherTopic = notification(eventDelivery(), {
      TopicArn: "arn:aws:sns:us-east-1:999999999999:other",
    });
    expect((await handleSesWebhook(otherTopic, deps)).status).toBe(403);
    const offHost = notification(eventDelivery(), {
      SigningCertURL: "https://evil.example.com/SimpleNotificationService-0123456789abcdef.pem",
    });
    expect((await handleSesWebhook(offHost, deps)).status).toBe(403);
    expect(
      await db
        .select()
        .from(sesEvents)
        .where(sql`${sesEvents.payload}::text like '%attacker%'`),
    ).toHaveLength(0);
  });

  it("answers 503 when the certificate cannot be fetched, so SNS retries", async () => {
    const failing = {
      ...deps,
      verifier: new SnsVerifier({ fetcher: async () => Promise.reject(new Error("down")) }),
    };
    expect((await handleSesWebhook(notification(eventDelivery()), failing)).status).toBe(503);
  });

  it("answers 400 to a verified message that is not an SES event", async () => {
    const body = JSON.stringify(
      signSnsMessage(
        {
          Type: "Notification",
          MessageId: randomUUID(),
          TopicArn: SIMULATOR_TOPIC_ARN,
          Message: "hello",
          Timestamp: new Date().toISOString(),
          SigningCertURL: CERT_URL,
        },
        "1",
        keys.privateKeyPem,
      ),
    );
    expect(await handleSesWebhook(body, deps)).toEqual({
      status: 400,
      body: { error: "The SNS Message is not JSON." },
    });
  });
});

describe("handleSesWebhook: ingestion", () => {
  it("applies a permanent bounce once however often SNS delivers it", async () => {
    const m = await sentMail();
    const body = notification(eventBounce({ id: m.sesMessageId, to: [m.to] }));
    for (let i = 0; i < 3; i++) {
      expect((await handleSesWebhook(body, deps)).status).toBe(200);
    }
    await applyPending(db);
    const snsId = (JSON.parse(body) as SnsMessage).MessageId;
    expect(await db.select().from(sesEvents).where(eq(sesEvents.snsMessageId, snsId))).toHaveLength(
      1,
    );
    expect(await mailRow(m.id)).toMatchObject({
      status: "bounced",
      reason: "bounce:General",
      confirmBy: null,
    });
    const suppressed = await db.select().from(suppressions).where(eq(suppressions.address, m.to));
    expect(suppressed.map((s) => [s.scope, s.tenantId]).sort()).toEqual([
      ["account", null],
      ["tenant", m.tenant.id],
    ]);
    const [member] = await db.select().from(users).where(eq(users.id, m.member.id));
    expect(member!.emailStatus).toBe("bounced");
    const [health] = await db
      .select()
      .from(tenantMailState)
      .where(eq(tenantMailState.tenantId, m.tenant.id));
    expect(health).toMatchObject({ window: 12, recentOutcomes: "b" });
    const [rollup] = await db.execute<{ hard_bounces: number }>(
      sql`select hard_bounces from mail_stats_hourly where tenant_id = ${m.tenant.id}`,
    );
    expect(rollup!.hard_bounces).toBe(1);
  });

  it("never moves a mail backward: a Delivery after a Bounce changes nothing", async () => {
    const m = await sentMail();
    await handleSesWebhook(notification(eventBounce({ id: m.sesMessageId, to: [m.to] })), deps);
    await applyPending(db);
    expect(
      (
        await handleSesWebhook(
          notification(eventDelivery({ id: m.sesMessageId, to: [m.to] })),
          deps,
        )
      ).status,
    ).toBe(200);
    await applyPending(db);
    expect((await mailRow(m.id)).status).toBe("bounced");
    const [member] = await db.select().from(users).where(eq(users.id, m.member.id));
    expect(member!.emailStatus).toBe("bounced");
  });

  it("suppresses only the recipients a bounce names", async () => {
    const m = await sentMail();
    const bystander = `bystander.${randomBytes(3).toString("hex")}@example.com`;
    await handleSesWebhook(
      notification(eventBounce({ id: m.sesMessageId, to: [m.to, bystander], bounced: [m.to] })),
      deps,
    );
    await applyPending(db);
    expect(
      await db.select().from(suppressions).where(eq(suppressions.address, bystander)),
    ).toHaveLength(0);
    expect(await db.select().from(suppressions).where(eq(suppressions.address, m.to))).toHaveLength(
      2,
    );
  });

  it("keeps a soft bounce as sent with its reason, and suppresses nothing", async () => {
    const m = await sentMail();
    await handleSesWebhook(
      notification(
        eventBounce({ id: m.sesMessageId, to: [m.to], type: "Transient", subType: "MailboxFull" }),
      ),
      deps,
    );
    await applyPending(db);
    expect(await mailRow(m.id)).toMatchObject({
      status: "sent",
      reason: "soft_bounce:MailboxFull",
    });
    expect(await db.select().from(suppressions).where(eq(suppressions.address, m.to))).toHaveLength(
      0,
    );
  });

  it("marks a delivery, confirms the address and frees the window slot", async () => {
    const m = await sentMail();
    await handleSesWebhook(
      notification(notificationDelivery({ id: m.sesMessageId, to: [m.to] }), {}, "1"),
      deps,
    );
    await applyPending(db);
    expect(await mailRow(m.id)).toMatchObject({ status: "delivered", confirmBy: null });
    const [member] = await db.select().from(users).where(eq(users.id, m.member.id));
    expect(member!.emailStatus).toBe("ok");
    const confirmed = await db.execute(
      sql`select 1 from confirmed_addresses where address = ${m.to}`,
    );
    expect(confirmed).toHaveLength(1);
    const [health] = await db
      .select()
      .from(tenantMailState)
      .where(eq(tenantMailState.tenantId, m.tenant.id));
    expect(health).toMatchObject({ window: 26, recentOutcomes: "d" });
  });

  it("suppresses a complainer and marks the member", async () => {
    const m = await sentMail();
    await handleSesWebhook(notification(eventComplaint({ id: m.sesMessageId, to: [m.to] })), deps);
    await applyPending(db);
    expect((await mailRow(m.id)).status).toBe("complained");
    const [member] = await db.select().from(users).where(eq(users.id, m.member.id));
    expect(member!.emailStatus).toBe("complained");
    expect(await db.select().from(suppressions).where(eq(suppressions.address, m.to))).toHaveLength(
      2,
    );
  });

  it("reads the older notification format", async () => {
    const m = await sentMail();
    await handleSesWebhook(
      notification(notificationBounce({ id: m.sesMessageId, to: [m.to] })),
      deps,
    );
    await applyPending(db);
    expect((await mailRow(m.id)).status).toBe("bounced");
  });

  it("leaves transactional mail out of the tenant's window and breaker", async () => {
    const m = await sentMail({ lane: "transactional" });
    await handleSesWebhook(notification(eventBounce({ id: m.sesMessageId, to: [m.to] })), deps);
    await applyPending(db);
    expect((await mailRow(m.id)).status).toBe("bounced");
    expect(
      await db.select().from(tenantMailState).where(eq(tenantMailState.tenantId, m.tenant.id)),
    ).toHaveLength(0);
  });

  it("keeps and counts events for mail that is not ours", async () => {
    const stranger = `stranger.${randomBytes(3).toString("hex")}@example.com`;
    const body = notification(eventBounce({ id: `ses-${randomUUID()}`, to: [stranger] }));
    expect(await handleSesWebhook(body, deps)).toEqual({
      status: 200,
      body: { status: "recorded" },
    });
    await applyPending(db);
    const [event] = await db
      .select()
      .from(sesEvents)
      .where(eq(sesEvents.snsMessageId, (JSON.parse(body) as SnsMessage).MessageId));
    expect(event).toMatchObject({ outboundEmailId: null, tenantId: null, eventType: "Bounce" });
    const account = await db.select().from(suppressions).where(eq(suppressions.address, stranger));
    expect(account.map((s) => s.scope)).toEqual(["account"]);
    const [rollup] = await db.execute<{ n: number }>(
      sql`select sum(hard_bounces)::int as n from mail_stats_hourly where tenant_id = ${NO_TENANT}`,
    );
    expect(rollup!.n).toBeGreaterThanOrEqual(1);
  });

  it("finds the mail by its outbox tag when SES answers before the send is recorded", async () => {
    const m = await sentMail();
    await db
      .update(outboundEmails)
      .set({ status: "sending", sesMessageId: null })
      .where(eq(outboundEmails.id, m.id));
    const event = eventDelivery({ id: m.sesMessageId, to: [m.to] });
    event.mail.tags.outbox_id = [String(m.id)];
    await handleSesWebhook(notification(event), deps);
    await applyPending(db);
    expect((await mailRow(m.id)).status).toBe("delivered");
  });

  it("answers 500 when the database is down, and the retry succeeds", async () => {
    const m = await sentMail();
    const body = notification(eventBounce({ id: m.sesMessageId, to: [m.to] }));
    const down = postgres("postgres://postgres@127.0.0.1:1/none", {
      max: 1,
      connect_timeout: 1,
      onnotice: () => {},
    });
    const deadDb = drizzle(down, { schema }) as unknown as Database;
    expect((await handleSesWebhook(body, { ...deps, db: deadDb })).status).toBe(500);
    await down.end({ timeout: 1 }).catch(() => {});
    expect((await mailRow(m.id)).status).toBe("sent");
    expect(await handleSesWebhook(body, deps)).toEqual({
      status: 200,
      body: { status: "recorded" },
    });
    await applyPending(db);
    expect((await mailRow(m.id)).status).toBe("bounced");
  });
});

describe("handleSesWebhook: subscriptions", () => {
  const confirmation = (
    type: "SubscriptionConfirmation" | "UnsubscribeConfirmation",
    subscribeUrl: string,
  ) =>
    JSON.stringify(
      signSnsMessage(
        {
          Type: type,
          MessageId: randomUUID(),
          TopicArn: SIMULATOR_TOPIC_ARN,
          Token:
            "2336412f37fb687f5d51e6e241d09c805a5a57b30d712f794cc5f6a988666d92768dd60a747ba6f3beb71854e285d6ad02428b09ceece29417f1f02d609c582afbacc99c583a916b9981dd2728f4ae6fdb82efd087cc3b7849e05798d2d2785c03b0879594eeac82c01f235d0e717736",
          Message: "You have chosen to subscribe to the topic.",
          SubscribeURL: subscribeUrl,
          Timestamp: new Date().toISOString(),
          SigningCertURL: CERT_URL,
        },
        "1",
        keys.privateKeyPem,
      ),
    );

  it("confirms a subscription for an allowed topic and records it", async () => {
    const visited: string[] = [];
    const url =
      "https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=x&Token=y";
    const result = await handleSesWebhook(confirmation("SubscriptionConfirmation", url), {
      ...deps,
      confirm: async (u) => (visited.push(u), { ok: true, status: 200 }),
    });
    expect(result).toEqual({ status: 200, body: { status: "confirmed" } });
    expect(visited).toEqual([url]);
    const rows = await db
      .select()
      .from(snsSubscriptions)
      .where(eq(snsSubscriptions.type, "SubscriptionConfirmation"));
    expect(rows.at(-1)?.confirmedAt).not.toBeNull();
  });

  it("never visits a SubscribeURL off SNS", async () => {
    const visited: string[] = [];
    const result = await handleSesWebhook(
      confirmation("SubscriptionConfirmation", "https://evil.example.com/confirm"),
      {
        ...deps,
        confirm: async (u) => (visited.push(u), { ok: true, status: 200 }),
      },
    );
    expect(result.status).toBe(403);
    expect(visited).toEqual([]);
  });

  it("records an unsubscribe so operators can be warned", async () => {
    const before = await db
      .select()
      .from(snsSubscriptions)
      .where(eq(snsSubscriptions.type, "UnsubscribeConfirmation"));
    const url =
      "https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=x&Token=y";
    expect(
      (await handleSesWebhook(confirmation("UnsubscribeConfirmation", url), deps)).status,
    ).toBe(200);
    const after = await db
      .select()
      .from(snsSubscriptions)
      .where(eq(snsSubscriptions.type, "UnsubscribeConfirmation"));
    expect(after).toHaveLength(before.length + 1);
  });
});
