import { randomUUID } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "@/db/client";
import {
  accountMailState,
  outboundEmails,
  sesEvents,
  suppressions,
  tenantMailState,
} from "@/db/schema";
import type { Actor } from "@/lib/auth/actor";
import { ensureAccountRow } from "@/lib/mail/account";
import { enqueue } from "@/lib/mail/outbox";
import { suppress } from "@/lib/suppressions";
import { liftSuppression, tenantSuppressions } from "@/lib/suppressions/manage";
import { adminContext, makeTenant, makeUser } from "@/test/factories";
import { noteGuardLevel } from "./alerts";
import { pauseTenant, resumeAllBulk, resumeTenant, stopAllBulk } from "./control";
import { feedbackHealth, tenantTable } from "./operator";
import { addToRollup } from "./rollup";
import { sendStateOf, series, tenantRates } from "./views";

const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000);

async function operator(): Promise<Actor> {
  const u = await makeUser({
    tenantId: null,
    role: "operator",
    loginId: `ops.${randomUUID().slice(0, 6)}`,
  });
  return {
    userId: u.id,
    sessionId: randomUUID(),
    role: "operator",
    tenantId: null,
    loginId: u.loginId,
    name: u.name,
    mustChangePassword: false,
  };
}

describe("rates from the rollups", () => {
  it("sums the last 24 hours and 30 days, judges them on enough mail only, and shares the account's bounces", async () => {
    const a = await makeTenant("Rates A");
    const b = await makeTenant("Rates B");
    await addToRollup(db, [
      // A: 200 sent and 6 hard bounces today (3.0%), 1,000 more sent and 40 bounced 10 days ago.
      { at: hoursAgo(1), tenantId: a.id, category: "invitation", column: "sends", n: 200 },
      { at: hoursAgo(1), tenantId: a.id, category: "invitation", column: "hard_bounces", n: 6 },
      { at: hoursAgo(2), tenantId: a.id, category: "invitation", column: "deliveries", n: 190 },
      { at: hoursAgo(240), tenantId: a.id, category: "invitation", column: "sends", n: 1_000 },
      { at: hoursAgo(240), tenantId: a.id, category: "invitation", column: "hard_bounces", n: 40 },
      // 40 days ago: outside the 30 days.
      { at: hoursAgo(960), tenantId: a.id, category: "invitation", column: "hard_bounces", n: 500 },
      // B: 3 sent, 3 bounced: 100%, but too few to judge.
      { at: hoursAgo(3), tenantId: b.id, category: "announcement", column: "sends", n: 3 },
      { at: hoursAgo(3), tenantId: b.id, category: "announcement", column: "hard_bounces", n: 3 },
      // Feedback for mail another sender on the account sent: counted for the account, no tenant's.
      { at: hoursAgo(1), tenantId: null, category: "unknown", column: "hard_bounces", n: 1 },
    ]);
    const ra = await tenantRates(a.id);
    expect(ra.day.bounce).toMatchObject({ count: 6, volume: 200, rate: 0.03, level: "warn" });
    expect(ra.day.totals).toEqual({ sends: 200, deliveries: 190, hardBounces: 6, complaints: 0 });
    expect(ra.month.bounce).toMatchObject({ count: 46, volume: 1_200, level: "warn" });
    const rb = await tenantRates(b.id);
    expect(rb.day.bounce).toMatchObject({ rate: 1, level: "too_few" });

    const table = await tenantTable();
    const rowA = table.find((t) => t.id === a.id)!;
    const rowB = table.find((t) => t.id === b.id)!;
    // Today's account-wide hard bounces: 6 (A) + 3 (B) + 1 (not ours) = 10, plus other tests' (none here).
    const total = table.reduce((n, t) => n + t.hardBounces, 0) + 1;
    expect(rowA.share).toBeCloseTo(6 / total, 6);
    expect(rowB.share).toBeCloseTo(3 / total, 6);
    expect(rowB.bounce.level).toBe("too_few");
  });

  it("gives a point for every day and hour, empty ones included", async () => {
    const a = await makeTenant("Series");
    await addToRollup(db, [
      { at: hoursAgo(0), tenantId: a.id, category: "invitation", column: "sends", n: 5 },
      { at: hoursAgo(0), tenantId: a.id, category: "invitation", column: "deliveries", n: 4 },
      { at: hoursAgo(0), tenantId: a.id, category: "message_notice", column: "sends", n: 2 },
    ]);
    const daily = await series(a.id, { days: 30 });
    expect(daily).toHaveLength(30);
    expect(daily.at(-1)).toMatchObject({ sent: 7, delivered: 4, bounced: 0 });
    expect(daily.slice(0, -1).every((d) => d.sent === 0)).toBe(true);
    const hourly = await series(a.id, { hours: 24 });
    expect(hourly).toHaveLength(24);
    expect(hourly.at(-1)!.sent).toBe(7);
  });
});

async function pausedTenant() {
  const tenant = await makeTenant("Paused School");
  const ctx = await adminContext(tenant);
  await db.insert(tenantMailState).values({
    tenantId: tenant.id,
    window: 12,
    breaker: "open",
    breakerReason: "Hard-bounce rate 28.0% over the last 25 bulk mails (limit 5.0%).",
    breakerChangedAt: new Date(),
    breakerChangedBy: "system",
    recentOutcomes: "b".repeat(7) + "d".repeat(18),
  });
  const later = new Date(Date.now() + 10 * 60_000);
  const ids: number[] = [];
  for (let i = 0; i < 3; i++) {
    const { id } = await enqueue(db, {
      tenantId: tenant.id,
      category: "announcement",
      to: `held${i}@example.com`,
      params: { subject: "Hello", body: "Held." },
    });
    ids.push(id);
  }
  await db
    .update(outboundEmails)
    .set({ status: "held", reason: "tenant_paused", nextAttemptAt: later })
    .where(eq(outboundEmails.tenantId, tenant.id));
  return { tenant, ctx, ids };
}

describe("the banner's counts", () => {
  it("counts the mail in flight and the held mail by reason, each from its own branch", async () => {
    const tenant = await makeTenant("Windowed School");
    await db.insert(tenantMailState).values({ tenantId: tenant.id, window: 8 });
    const ids: number[] = [];
    for (let i = 0; i < 6; i++) {
      const { id } = await enqueue(db, {
        tenantId: tenant.id,
        category: "announcement",
        to: `count${i}@example.com`,
        params: { subject: "Hello", body: "Counted." },
      });
      ids.push(id);
    }
    const later = new Date(Date.now() + 10 * 60_000);
    const set = (at: number[], values: Partial<typeof outboundEmails.$inferInsert>) =>
      Promise.all(
        at.map((i) => db.update(outboundEmails).set(values).where(eq(outboundEmails.id, ids[i]!))),
      );
    await set([0, 1], { status: "sent", confirmBy: later });
    await set([2], { status: "sent", confirmBy: new Date(Date.now() - 60_000) });
    await set([3, 4], { status: "held", reason: "window_full", nextAttemptAt: later });
    await set([5], { status: "held", reason: null, nextAttemptAt: later });

    expect(await sendStateOf(tenant.id)).toMatchObject({
      kind: "limited",
      title: "Limited by the window: 2 in flight of 8",
      heldTotal: 3,
    });
  });
});

describe("resuming", () => {
  it("says the tenant is paused and why, then resumes it half-open with its held mail due at once", async () => {
    const { tenant, ctx } = await pausedTenant();
    const before = await sendStateOf(tenant.id);
    expect(before).toMatchObject({
      kind: "paused",
      pausedBy: "breaker",
      canResume: true,
      heldTotal: 3,
    });
    expect(before.detail).toContain("28.0%");

    expect(await resumeTenant(ctx.actor, tenant.id)).toEqual({ released: 3 });
    const [state] = await db
      .select()
      .from(tenantMailState)
      .where(eq(tenantMailState.tenantId, tenant.id));
    expect(state).toMatchObject({ breaker: "half_open", window: 5, recentOutcomes: "" });
    expect(state!.breakerChangedBy).toBe(`admin:${ctx.actor.loginId}`);
    const due = await db.execute<{ n: number }>(sql`
      select count(*)::int as n from outbound_emails where tenant_id = ${tenant.id} and next_attempt_at <= now()`);
    expect(Number(due[0]!.n)).toBe(3);
    expect((await sendStateOf(tenant.id)).kind).toBe("resuming");

    // A second resume changes nothing and says so.
    await expect(resumeTenant(ctx.actor, tenant.id)).rejects.toThrow("nothing to resume");
  });

  it("leaves an operator's pause to the operator, who can pause and resume any tenant with a reason", async () => {
    const { tenant, ctx } = await makeTenant("Ops School").then(async (t) => ({
      tenant: t,
      ctx: await adminContext(t),
    }));
    const ops = await operator();
    await expect(pauseTenant(ops, tenant.id, "  ")).rejects.toThrow("Say why");
    await pauseTenant(ops, tenant.id, "Complaint under review");
    await expect(pauseTenant(ops, tenant.id, "Again, please")).rejects.toThrow("paused already");
    expect(await sendStateOf(tenant.id)).toMatchObject({ pausedBy: "operator", canResume: false });
    await expect(resumeTenant(ctx.actor, tenant.id)).rejects.toThrow("only they can resume");
    await resumeTenant(ops, tenant.id);
    const [state] = await db
      .select()
      .from(tenantMailState)
      .where(eq(tenantMailState.tenantId, tenant.id));
    expect(state).toMatchObject({
      breaker: "half_open",
      breakerChangedBy: `operator:${ops.loginId}`,
    });
  });

  it("tells the tenant's admins once per pause, by a mail that goes while bulk waits", async () => {
    const tenant = await makeTenant("Told School");
    await makeUser({
      tenantId: tenant.id,
      role: "admin",
      email: "told.admin@example.com",
      emailStatus: "ok",
    });
    await makeUser({
      tenantId: tenant.id,
      role: "admin",
      email: "bounced.admin@example.com",
      emailStatus: "bounced",
    });
    const ops = await operator();
    await pauseTenant(ops, tenant.id, "Checking the list");
    const alerts = await db
      .select({
        to: outboundEmails.toAddress,
        lane: outboundEmails.lane,
        params: outboundEmails.params,
      })
      .from(outboundEmails)
      .where(and(eq(outboundEmails.tenantId, tenant.id), eq(outboundEmails.category, "alert")));
    expect(alerts).toEqual([
      expect.objectContaining({ to: "told.admin@example.com", lane: "transactional" }),
    ]);
    expect(alerts[0]!.params).toMatchObject({ path: `/t/${tenant.slug}/admin/health` });
  });

  it("stops and resumes all bulk mail for the account, releasing what the stop held", async () => {
    await ensureAccountRow(db);
    const ops = await operator();
    const tenant = await makeTenant("Stopped");
    const { id } = await enqueue(db, {
      tenantId: tenant.id,
      category: "announcement",
      to: "a@example.com",
      params: { subject: "S", body: "B" },
    });
    await stopAllBulk(ops, "SES review in progress");
    expect((await sendStateOf(tenant.id)).pausedBy).toBe("account");
    await db
      .update(outboundEmails)
      .set({
        status: "held",
        reason: "bulk_stopped",
        nextAttemptAt: new Date(Date.now() + 600_000),
      })
      .where(eq(outboundEmails.id, id));
    await expect(stopAllBulk(ops, "Twice is once")).rejects.toThrow("stopped already");
    expect(await resumeAllBulk(ops)).toMatchObject({ released: 1 });
    const [account] = await db.select().from(accountMailState);
    expect(account!.bulkStoppedAt).toBeNull();
    await expect(resumeAllBulk(ops)).rejects.toThrow("nothing to resume");
  });
});

describe("suppressions an admin tends", () => {
  it("lists the tenant's own and the account's on its members' addresses, never another tenant's", async () => {
    const a = await makeTenant("Supp A");
    const b = await makeTenant("Supp B");
    await makeUser({ tenantId: a.id, email: "shared@example.com" });
    await suppress(db, {
      tenantId: b.id,
      addresses: ["shared@example.com", "only-b@example.com"],
      reason: "bounce",
      detail: {},
    });
    const listed = await tenantSuppressions(a.id);
    expect(listed.lines.map((l) => [l.address, l.scope, l.liftable])).toEqual([
      ["shared@example.com", "account", false],
    ]);
    const ctx = await adminContext(a);
    // B's bounce made it: A's admin cannot lift it, and learns who can.
    await expect(
      liftSuppression(ctx.actor, {
        tenantId: a.id,
        address: "shared@example.com",
        confirmedExists: true,
      }),
    ).rejects.toThrow("another organisation");
  });

  it("lifts a hard bounce once the address was corrected (or confirmed), so mail to it can go; never a complaint", async () => {
    const tenant = await makeTenant("Lift");
    const ctx = await adminContext(tenant);
    const event = await db
      .insert(sesEvents)
      .values({
        snsMessageId: randomUUID(),
        topicArn: "t",
        eventType: "Bounce",
        tenantId: tenant.id,
        payload: {},
      })
      .returning({ id: sesEvents.id });
    await suppress(db, {
      tenantId: tenant.id,
      addresses: ["fixed@example.com"],
      reason: "bounce",
      detail: { eventId: event[0]!.id },
    });
    await suppress(db, {
      tenantId: tenant.id,
      addresses: ["angry@example.com"],
      reason: "complaint",
      detail: {},
    });
    const member = await makeUser({ tenantId: tenant.id, email: "fixed@example.com" });

    await expect(
      liftSuppression(ctx.actor, {
        tenantId: tenant.id,
        address: "fixed@example.com",
        confirmedExists: false,
      }),
    ).rejects.toThrow("still has fixed@example.com");
    await liftSuppression(ctx.actor, {
      tenantId: tenant.id,
      address: "Fixed@Example.com",
      confirmedExists: true,
    });
    // Both rows its own bounce made are gone: the account's and the tenant's.
    expect(
      await db.select().from(suppressions).where(eq(suppressions.address, "fixed@example.com")),
    ).toEqual([]);
    void member;

    await expect(
      liftSuppression(ctx.actor, {
        tenantId: tenant.id,
        address: "angry@example.com",
        confirmedExists: true,
      }),
    ).rejects.toThrow("Only the platform's operators");
    await liftSuppression(await operator(), {
      tenantId: tenant.id,
      address: "angry@example.com",
      confirmedExists: false,
    });
    expect(
      await db.select().from(suppressions).where(eq(suppressions.address, "angry@example.com")),
    ).toEqual([]);
  });
});

describe("a lift that tells nothing of another tenant", () => {
  it("answers as for a missing address when another tenant's bounce suppressed one no member has", async () => {
    const a = await makeTenant("Quiet A");
    const b = await makeTenant("Quiet B");
    await suppress(db, {
      tenantId: b.id,
      addresses: ["b-only@example.com"],
      reason: "bounce",
      detail: {},
    });
    const ctx = await adminContext(a);
    await expect(
      liftSuppression(ctx.actor, {
        tenantId: a.id,
        address: "b-only@example.com",
        confirmedExists: true,
      }),
    ).rejects.toThrow("b-only@example.com is not on your suppression list.");
    await expect(
      liftSuppression(ctx.actor, {
        tenantId: a.id,
        address: "never@example.com",
        confirmedExists: true,
      }),
    ).rejects.toThrow("never@example.com is not on your suppression list.");
  });

  it("says so when the tenant's own suppression is lifted but another's still holds the address", async () => {
    const a = await makeTenant("Own A");
    const b = await makeTenant("Own B");
    // B's bounce came first: the account-wide row is B's; A's bounce added only A's own.
    await suppress(db, {
      tenantId: b.id,
      addresses: ["both@example.com"],
      reason: "bounce",
      detail: {},
    });
    await suppress(db, {
      tenantId: a.id,
      addresses: ["both@example.com"],
      reason: "bounce",
      detail: {},
    });
    const ctx = await adminContext(a);
    expect(
      await liftSuppression(ctx.actor, {
        tenantId: a.id,
        address: "both@example.com",
        confirmedExists: true,
      }),
    ).toEqual({ address: "both@example.com", stillSuppressedForAccount: true });
  });
});

describe("the operators' alert", () => {
  it("goes once when the guard starts stopping bulk mail, not again between stop levels", async () => {
    await ensureAccountRow(db);
    await makeUser({
      tenantId: null,
      role: "operator",
      loginId: `alerted.${randomUUID().slice(0, 6)}`,
      email: "ops@example.com",
      emailStatus: "ok",
    });
    const verdict = (level: "ok" | "warn" | "stop_bulk_above" | "stop_all_bulk") => ({
      level,
      bounceRate: 0.04,
      complaintRate: 0,
      reason: `Bounce rate at ${level}.`,
    });
    const alerts = async () =>
      (
        await db
          .select()
          .from(outboundEmails)
          .where(
            and(
              eq(outboundEmails.category, "alert"),
              eq(outboundEmails.toAddress, "ops@example.com"),
            ),
          )
      ).length;
    for (const level of ["warn", "stop_bulk_above", "stop_all_bulk", "stop_bulk_above"] as const) {
      await noteGuardLevel(db, verdict(level));
    }
    expect(await alerts()).toBe(1);
    await noteGuardLevel(db, verdict("ok"));
    await noteGuardLevel(db, verdict("stop_all_bulk"));
    expect(await alerts()).toBe(2);
  });
});

describe("feedback health", () => {
  it("warns when mail went out in the last hour but no event came back", async () => {
    const tenant = await makeTenant("Silent");
    await db.insert(outboundEmails).values({
      tenantId: tenant.id,
      category: "announcement",
      lane: "bulk",
      template: "announcement",
      status: "sent",
      sentAt: new Date(),
    });
    await db.execute(sql`update ses_events set received_at = now() - interval '2 hours'`);
    expect(await feedbackHealth()).toMatchObject({ silent: true });
    await db
      .insert(sesEvents)
      .values({ snsMessageId: randomUUID(), topicArn: "t", eventType: "Delivery", payload: {} });
    expect(await feedbackHealth()).toMatchObject({ silent: false });
  });
});
