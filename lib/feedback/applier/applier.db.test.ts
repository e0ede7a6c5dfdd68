import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, type Database } from "@/db/client";
import * as schema from "@/db/schema";
import { makeSigningCertificate } from "@/sim/feedback-simulator";
import { makeTenant, makeUser } from "@/test/factories";
import { mailRow, sentMail, signedNotification, testWebhookDeps } from "@/test/feedback";
import { eventBounce, eventComplaint, eventDelivery } from "@/test/fixtures/ses";
import { handleSesWebhook, type WebhookDeps } from "../webhook";
import {
  applierBacklog,
  applyPending,
  parkedEvents,
  retryParkedEvent,
  startApplier,
  type RunningApplier,
} from ".";

let keys: { privateKeyPem: string; certPem: string };
let deps: WebhookDeps;
const others: postgres.Sql[] = [];

/** Another process's connection to the same database, as a second app or worker has. */
function otherProcess(): Database {
  const connection = postgres(process.env.DATABASE_URL!, { max: 4, onnotice: () => {} });
  others.push(connection);
  return drizzle(connection, { schema }) as unknown as Database;
}

beforeAll(async () => {
  keys = await makeSigningCertificate();
  deps = testWebhookDeps(keys.certPem);
});

afterAll(async () => {
  for (const connection of others) await connection.end({ timeout: 1 });
});

const post = async (payload: unknown, snsMessageId: string = randomUUID()) =>
  handleSesWebhook(
    signedNotification(keys.privateKeyPem, payload, { MessageId: snsMessageId }),
    deps,
  );

const count = async (query: ReturnType<typeof sql>) =>
  Number((await db.execute<{ n: number }>(query))[0]!.n);

/** Bounce and delivery payloads at a given SES time (the fixtures' own are fixed). */
function at<T extends { mail: { timestamp: string } }>(payload: T, key: string, iso: string): T {
  const inner = (payload as Record<string, unknown>)[key] as Record<string, unknown>;
  return { ...payload, [key]: { ...inner, timestamp: iso } };
}

async function waitFor(check: () => Promise<boolean>, ms: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < ms) {
    if (await check()) return Date.now() - started;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`not within ${ms} ms`);
}

describe("the feedback applier", () => {
  it("applies an at-least-once storm exactly: each event 3 times, under the same and another SNS MessageId, shuffled, two appliers running", async () => {
    const tenants = [await makeTenant("Storm A"), await makeTenant("Storm B")];
    const mails = [];
    for (let i = 0; i < 40; i++) mails.push(await sentMail({ tenant: tenants[i % 2] }));
    // Every 5th mail bounces, every 8th is complained about, the rest are delivered.
    type Planned = { payload: unknown; sns: string };
    const events: Planned[] = [];
    mails.forEach((m, i) => {
      const ref = { id: m.sesMessageId, to: [m.to] };
      const payload =
        i % 5 === 0 ? eventBounce(ref) : i % 8 === 1 ? eventComplaint(ref) : eventDelivery(ref);
      events.push({ payload, sns: randomUUID() });
    });
    const copies = events.flatMap((e) =>
      [e.sns, e.sns, randomUUID()].map((sns) => ({ ...e, sns })),
    );
    for (let i = copies.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [copies[i], copies[j]] = [copies[j]!, copies[i]!];
    }

    const appliers: RunningApplier[] = [
      startApplier({ db, batchSize: 7, pollMs: 50, log: () => {} }),
      startApplier({ db: otherProcess(), batchSize: 11, pollMs: 50, log: () => {} }),
    ];
    const answers: { status: number; body: Record<string, unknown> }[] = [];
    for (let i = 0; i < copies.length; i += 8) {
      answers.push(
        ...(await Promise.all(copies.slice(i, i + 8).map((c) => post(c.payload, c.sns)))),
      );
    }
    await Promise.all(appliers.map((a) => a.stop()));
    await applyPending(db);

    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(answers.filter((a) => a.body.status === "recorded")).toHaveLength(events.length);
    const ids = sql.raw(`'{${mails.map((m) => m.sesMessageId).join(",")}}'::text[]`);
    expect(
      await db.execute(sql`
        select count(*)::int as events, sum(cardinality(duplicate_sns_ids))::int as duplicates,
               count(*) filter (where applied_at is null)::int as unapplied
          from ses_events where ses_message_id = any(${ids})`),
    ).toEqual([{ events: events.length, duplicates: events.length, unapplied: 0 }]);

    const bounced = mails.filter((_, i) => i % 5 === 0);
    const complained = mails.filter((_, i) => i % 5 !== 0 && i % 8 === 1);
    const delivered = mails.length - bounced.length - complained.length;
    const statuses = await db.execute<{ status: string; n: number }>(sql`
      select status, count(*)::int as n from outbound_emails
       where ses_message_id = any(${ids}) group by status order by status`);
    expect(Object.fromEntries(statuses.map((s) => [s.status, s.n]))).toEqual({
      bounced: bounced.length,
      complained: complained.length,
      delivered,
    });
    const suppressedAddresses = [...bounced, ...complained].map((m) => m.to);
    expect(
      await count(sql`select count(*)::int as n from suppressions
                       where address = any(${sql.raw(`'{${suppressedAddresses.join(",")}}'::text[]`)})`),
    ).toBe(suppressedAddresses.length * 2);
    const [rollup] = await db.execute<Record<string, number>>(sql`
      select sum(deliveries)::int as deliveries, sum(hard_bounces)::int as bounces,
             sum(complaints)::int as complaints
        from mail_stats_hourly
       where tenant_id in (${tenants[0]!.id}::uuid, ${tenants[1]!.id}::uuid)`);
    expect(rollup).toEqual({
      deliveries: delivered,
      bounces: bounced.length,
      complaints: complained.length,
    });
    // Each resolution counted once in the windows.
    const [ring] = await db.execute<{ outcomes: string }>(sql`
      select string_agg(recent_outcomes, '') as outcomes from tenant_mail_state
       where tenant_id in (${tenants[0]!.id}::uuid, ${tenants[1]!.id}::uuid)`);
    const tally = (c: string) => [...ring!.outcomes].filter((x) => x === c).length;
    expect([tally("d"), tally("b"), tally("c")]).toEqual([
      delivered,
      bounced.length,
      complained.length,
    ]);
    const members = await db.execute<{ email_status: string; n: number }>(sql`
      select email_status, count(*)::int as n from users
       where tenant_id in (${tenants[0]!.id}::uuid, ${tenants[1]!.id}::uuid)
       group by email_status order by email_status`);
    expect(Object.fromEntries(members.map((s) => [s.email_status, s.n]))).toEqual({
      bounced: bounced.length,
      complained: complained.length,
      ok: delivered,
    });
  });

  it("ends a mail whose events arrive out of order in the forward-only state, in one batch or two", async () => {
    for (const together of [true, false]) {
      const m = await sentMail();
      const ref = { id: m.sesMessageId, to: [m.to] };
      // SES delivered, then the recipient complained; the complaint arrives first.
      await post(at(eventComplaint(ref), "complaint", "2026-01-01T10:00:09.000Z"));
      if (!together) await applyPending(db);
      await post(at(eventDelivery(ref), "delivery", "2026-01-01T10:00:01.000Z"));
      await applyPending(db);
      expect(await mailRow(m.id)).toMatchObject({ status: "complained", reason: "complaint" });
      const [state] = await db.execute<{ recent_outcomes: string }>(
        sql`select recent_outcomes from tenant_mail_state where tenant_id = ${m.tenant.id}`,
      );
      // In one batch SES's order is restored (delivered, then complained); in two, the late
      // delivery changes nothing.
      expect(state!.recent_outcomes).toBe(together ? "dc" : "c");
    }
  });

  it("parks an event whose apply keeps failing, with its error, and applies the rest; an operator's retry applies it", async () => {
    await db.execute(sql`
      create function refuse_poison() returns trigger language plpgsql as $$
      begin
        if new.address like 'poison.%' then raise exception 'poisoned address %', new.address; end if;
        return new;
      end $$`);
    await db.execute(sql`
      create trigger refuse_poison before insert on suppressions
      for each row execute function refuse_poison()`);
    const good = [await sentMail(), await sentMail(), await sentMail()];
    const poison = await sentMail({ to: `poison.${randomUUID().slice(0, 8)}@example.com` });
    for (const m of [good[0]!, poison, ...good.slice(1)])
      await post(eventBounce({ id: m.sesMessageId, to: [m.to] }));

    // A first failure waits for its retry; the others are applied meanwhile.
    const first = await applyPending(db, { retryDelaysMs: [60_000], log: () => {} });
    expect(first).toMatchObject({ applied: 3, failed: 1, parked: 0 });
    for (const m of good) expect((await mailRow(m.id)).status).toBe("bounced");
    expect(await applierBacklog()).toMatchObject({ pending: 1, retrying: 1, parked: 0 });

    await db.execute(sql`update ses_events set apply_after = now() where apply_attempts > 0`);
    const rest = await applyPending(db, { retryDelaysMs: [0], maxAttempts: 3, log: () => {} });
    expect(rest).toMatchObject({ applied: 0, failed: 2, parked: 1 });
    expect((await mailRow(poison.id)).status).toBe("sent");
    const [parked] = await parkedEvents();
    expect(parked).toMatchObject({ eventType: "Bounce", recipients: [poison.to], attempts: 3 });
    expect(parked!.error).toContain(`poisoned address ${poison.to}`);
    expect(await applierBacklog()).toMatchObject({ pending: 0, parked: 1 });
    // Parked is not retried by itself.
    expect(await applyPending(db)).toMatchObject({ claimed: 0 });

    await db.execute(sql`drop trigger refuse_poison on suppressions`);
    const operator = { userId: (await makeUser({ tenantId: null, role: "operator" })).id };
    expect(await retryParkedEvent(parked!.id, operator)).toBe(true);
    expect(await retryParkedEvent(parked!.id, operator)).toBe(false);
    expect(await applyPending(db)).toMatchObject({ applied: 1 });
    expect((await mailRow(poison.id)).status).toBe("bounced");
    expect(await parkedEvents()).toEqual([]);
    expect(await retryParkedEvent(parked!.id, operator)).toBe(false);
    const audit = await db.execute<{ action: string; detail: { error: string } }>(
      sql`select action, detail from audit_log where subject_id = ${String(parked!.id)}`,
    );
    expect(audit).toEqual([
      { action: "feedback.retried", detail: { error: expect.stringContaining("poisoned") } },
    ]);
  });

  it("loses nothing when the app stops between receipt and apply, or mid-batch: the next applier applies it, woken at once", async () => {
    const stored = await sentMail();
    const midBatch = await sentMail();
    await post(eventBounce({ id: stored.sesMessageId, to: [stored.to] }));
    await post(eventBounce({ id: midBatch.sesMessageId, to: [midBatch.to] }));
    // An applier claims the events and its process dies before the commit.
    const dying = postgres(process.env.DATABASE_URL!, {
      max: 1,
      fetch_types: false,
      onnotice: () => {},
    });
    let pid = 0;
    let locked = 0;
    const claimed = dying.begin(async (tx) => {
      locked = (await tx`select id from ses_events where applied_at is null for update skip locked`)
        .length;
      [{ pid }] = await tx`select pg_backend_pid() as pid`;
      await new Promise(() => {}); // never commits
    });
    claimed.catch(() => {});
    await waitFor(async () => pid > 0, 2_000);
    expect(locked).toBe(2);
    // The process is gone: the server ends its session and rolls its transaction back.
    await db.execute(sql`select pg_terminate_backend(${pid})`);
    await claimed.catch(() => {});
    expect((await mailRow(stored.id)).status).toBe("sent");

    // The next process's applier, with a poll too slow to matter: what is stored is applied at start,
    // and a new event is applied once its notification arrives.
    const next = startApplier({ db: otherProcess(), pollMs: 60_000, log: () => {} });
    try {
      await waitFor(async () => (await mailRow(midBatch.id)).status === "bounced", 5_000);
      expect((await mailRow(stored.id)).status).toBe("bounced");
      await new Promise((r) => setTimeout(r, 300)); // let it settle into waiting
      const later = await sentMail();
      await post(eventBounce({ id: later.sesMessageId, to: [later.to] }));
      const took = await waitFor(async () => (await mailRow(later.id)).status === "bounced", 2_000);
      expect(took).toBeLessThan(1_000);
    } finally {
      await next.stop();
    }
  });
});
