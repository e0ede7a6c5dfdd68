import { randomUUID } from "node:crypto";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { SesTransport } from "@/lib/mail/transport";
import {
  checkAgainstSes,
  checkFeedOutcome,
  lostOf,
  stuckSending,
  tallyEvents,
  tallyMail,
} from "./reconcile";

// The soak's verdict rests on these: each must see what it claims to see.
let sql: postgres.Sql;
let tenantId: string;
beforeAll(async () => {
  sql = postgres(process.env.DATABASE_URL!, { max: 2, onnotice: () => {} });
  const [t] = await sql<{ id: string }[]>`
    insert into tenants (slug, name) values ('soak-check', 'Soak Check') returning id`;
  tenantId = t!.id;
});
afterAll(() => sql.end());

async function mail(
  status: string,
  extra: { batch?: string; reason?: string; ses?: string; to?: string; leaseSeconds?: number } = {},
) {
  const lease =
    extra.leaseSeconds === undefined ? null : new Date(Date.now() + extra.leaseSeconds * 1000);
  await sql`
    insert into outbound_emails (tenant_id, category, lane, to_address, template, params, status, reason,
                                 ses_message_id, batch_id, lease_until)
    values (${tenantId}, 'message_notice', 'bulk', ${extra.to ?? `${randomUUID()}@soak.example.com`},
            'message_notice', '{}'::jsonb, ${status}::mail_status, ${extra.reason ?? null},
            ${extra.ses ?? null}, ${extra.batch ?? null}, ${lease})`;
}

async function event(snsId: string, duplicates: string[] = []) {
  await sql`
    insert into ses_events (sns_message_id, topic_arn, event_type, payload, event_key, duplicate_sns_ids)
    values (${snsId}, 'arn:aws:sns:us-east-1:000000000000:soak', 'Delivery', '{}'::jsonb, ${`sns:${snsId}`},
            ${duplicates}::text[])`;
}

describe("the soak's reconciliation", () => {
  it("counts a mail expected but missing from the outbox as lost, and names what was not sent", async () => {
    const batch = randomUUID();
    await mail("delivered", { batch });
    await mail("sent", { batch });
    await mail("held", { batch, reason: "window_full" });
    const tally = await tallyMail(sql, [{ label: "b", batchId: batch, expected: 4 }]);
    expect(tally[0]).toMatchObject({
      rows: 3,
      sent: 2,
      delivered: 1,
      notSent: { "held:window_full": 1 },
    });
    expect(lostOf(tally, { missing: 0 }, { notInSes: 0 })).toBe(1);
    expect(lostOf([{ ...tally[0]!, expected: 3 }], { missing: 0 }, { notInSes: 0 })).toBe(0);
  });

  it("finds every acknowledged SNS message under its own id or as a duplicate, and misses the rest", async () => {
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    await event(a, [b]);
    const events = await tallyEvents(sql, [a, b, c]);
    expect(events).toMatchObject({ acked: 3, missing: 1, stored: 1, unapplied: 1, duplicates: 1 });
  });

  it("calls a mail stuck only when it is sending past its lease", async () => {
    const before = await stuckSending(sql);
    await mail("sending", { leaseSeconds: 60 });
    expect(await stuckSending(sql)).toBe(before);
    await mail("sending", { leaseSeconds: -1 });
    expect(await stuckSending(sql)).toBe(before + 1);
  });

  it("notices already-sent mail whose state its events do not explain", async () => {
    const [feed] = await sql<{ id: string }[]>`
      insert into tenants (slug, name) values ('soak-feed-check', 'Feed') returning id`;
    const sent = [0, 1, 2].map((k) => ({ ses: `feed-${k}-${randomUUID()}`, k }));
    const statuses = ["bounced", "delivered", "sent"]; // mail 0 bounces (one in BOUNCE_EVERY)
    for (const m of sent) {
      await sql`
        insert into outbound_emails (tenant_id, category, lane, to_address, template, params, status, ses_message_id)
        values (${feed!.id}, 'message_notice', 'bulk', ${`r${m.k}@feed.example.com`}, 'message_notice',
                '{}'::jsonb, ${statuses[m.k]!}::mail_status, ${m.ses})`;
    }
    const reported = new Set([0, 1]);
    expect(await checkFeedOutcome(sql, feed!.id, sent, reported)).toEqual({
      expectedDelivered: 1,
      expectedBounced: 1,
      wrong: 0,
    });
    await sql`update outbound_emails set status = 'delivered' where ses_message_id = ${sent[2]!.ses}`;
    expect((await checkFeedOutcome(sql, feed!.id, sent, reported)).wrong).toBeGreaterThan(0);
  });

  it("finds a sent row that never reached SES and a mail that reached it twice", async () => {
    const transport = new SesTransport({
      AWS_REGION: "us-east-1",
      SES_ENDPOINT: inject("sesUrl"),
      SES_FROM_ADDRESS: "Soak <soak@sendwell.test>",
      SES_CONFIGURATION_SET_TRANSACTIONAL: undefined,
      SES_CONFIGURATION_SET_BULK: undefined,
      SES_TENANTS: "false",
    });
    const [t] = await sql<{ id: string }[]>`
      insert into tenants (slug, name) values ('soak-ses-check', 'SES check') returning id`;
    tenantId = t!.id;
    const to = `twice-${randomUUID()}@soak.example.com`;
    const send = () =>
      transport.send({
        to,
        subject: "Soak check",
        text: "Hi",
        html: "<p>Hi</p>",
        lane: "bulk",
        tags: { tenant: "t", category: "message_notice", outbox: "1" },
      });
    const first = await send();
    await mail("sent", { ses: first.messageId, to });
    expect(await checkAgainstSes(sql, inject("sesUrl"), tenantId)).toEqual({
      inSes: 1,
      sentRows: 1,
      notInSes: 0,
      sentTwice: 0,
    });
    await send();
    await mail("sent", {
      ses: `never-sent-${randomUUID()}`,
      to: `ghost-${randomUUID()}@soak.example.com`,
    });
    expect(await checkAgainstSes(sql, inject("sesUrl"), tenantId)).toEqual({
      inSes: 2,
      sentRows: 2,
      notInSes: 1,
      sentTwice: 1,
    });
  });
});
