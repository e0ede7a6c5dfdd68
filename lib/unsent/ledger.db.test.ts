import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { db } from "@/db/client";
import {
  mailStatuses,
  memberTokens,
  outboundEmails,
  unsentHandlings,
  users,
  type MailCategory,
  type MailStatus,
} from "@/db/schema";
import { makeTenant, makeUser } from "@/test/factories";
import { UNSENT_CATEGORIES, UNSENT_STATUSES, type UnsentCase } from "./cases";
import {
  ledgerCounts,
  ledgerCountsByTenant,
  ledgerCursor,
  ledgerPageRows,
  ledgerReasons,
  ledgerRows,
} from "./ledger";

type Tenant = Awaited<ReturnType<typeof makeTenant>>;
type Member = Awaited<ReturnType<typeof makeUser>>;

const lanes: Record<MailCategory, "bulk" | "transactional"> = {
  invitation: "bulk",
  message_notice: "bulk",
  password_reset: "transactional",
  login_code: "transactional",
  announcement: "bulk",
  alert: "transactional",
};

async function mail(
  tenant: Tenant,
  member: Member | null,
  category: MailCategory,
  status: MailStatus,
  extra: { reason?: string; messageId?: string; at?: Date; to?: string; subject?: string } = {},
): Promise<number> {
  const [row] = await db
    .insert(outboundEmails)
    .values({
      tenantId: tenant.id,
      memberId: member?.id ?? null,
      category,
      lane: lanes[category],
      toAddress: extra.to ?? member?.email ?? null,
      template: category,
      params:
        category === "message_notice"
          ? {
              memberName: "",
              messageId: extra.messageId ?? "m-1",
              subject: extra.subject ?? "Timetable",
            }
          : {},
      status,
      reason: extra.reason ?? null,
      ...(extra.at ? { createdAt: extra.at, updatedAt: extra.at } : {}),
    })
    .returning({ id: outboundEmails.id });
  return row!.id;
}

const invited = (tenant: Tenant) =>
  makeUser({
    tenantId: tenant.id,
    status: "invited",
    passwordHash: null,
    email: "new@example.com",
  });
const active = (tenant: Tenant) => makeUser({ tenantId: tenant.id, email: "old@example.com" });

const expectedCase = (category: MailCategory, started: boolean): UnsentCase =>
  category === "invitation"
    ? started
      ? "invitation_active"
      : "invitation_new"
    : (category as UnsentCase);

let tenant: Tenant;
beforeEach(async () => {
  tenant = await makeTenant("Ledger");
});

describe("which mail is in the ledger, and in which case", () => {
  for (const category of UNSENT_CATEGORIES) {
    for (const started of [false, true]) {
      it(`${category} to a member who has ${started ? "" : "not "}started: every unsent state is in the ${expectedCase(category, started)} case`, async () => {
        for (const status of mailStatuses) {
          const member = started ? await active(tenant) : await invited(tenant);
          await mail(tenant, member, category, status, { reason: `r_${status}` });
        }
        const rows = await ledgerRows({ tenantId: tenant.id });
        expect(rows.map((r) => r.status).sort()).toEqual([...UNSENT_STATUSES].sort());
        for (const row of rows) {
          expect(row.unsentCase).toBe(expectedCase(category, started));
          expect(row.resolvedBy).toBeNull();
          expect(row.reason).toBe(`r_${row.status}`);
          expect(row.attempts).toBe(1);
        }
      });
    }
  }

  it("leaves out announcements, alerts, mail without a member and other tenants' mail", async () => {
    const member = await active(tenant);
    const other = await makeTenant("Other");
    const stranger = await active(other);
    await mail(tenant, member, "announcement", "bounced");
    await mail(tenant, member, "alert", "failed");
    await mail(tenant, null, "invitation", "bounced");
    await mail(other, stranger, "invitation", "bounced");
    expect(await ledgerRows({ tenantId: tenant.id })).toEqual([]);
    expect(await ledgerRows({ tenantId: other.id })).toHaveLength(1);
    const all = await ledgerRows({ allTenants: true });
    expect(all.map((r) => r.tenantSlug)).toContain(other.slug);
  });

  it("one row per member and kind, per message for notices, counting the attempts", async () => {
    const member = await invited(tenant);
    const first = await mail(tenant, member, "invitation", "bounced", {
      at: new Date(Date.now() - 3_600_000),
    });
    const last = await mail(tenant, member, "invitation", "blocked", { reason: "suppressed" });
    await mail(tenant, member, "message_notice", "held", {
      messageId: "m-1",
      reason: "account_paused",
    });
    await mail(tenant, member, "message_notice", "held", {
      messageId: "m-2",
      reason: "account_paused",
    });
    const rows = await ledgerRows({ tenantId: tenant.id });
    const invitation = rows.find((r) => r.category === "invitation")!;
    expect(invitation).toMatchObject({
      mailId: last,
      attempts: 2,
      status: "blocked",
      reason: "suppressed",
    });
    expect(invitation.firstAt.getTime()).toBeLessThan(invitation.lastAt.getTime());
    expect(first).toBeLessThan(last);
    expect(
      rows
        .filter((r) => r.category === "message_notice")
        .map((r) => r.subjectKey)
        .sort(),
    ).toEqual(["m-1", "m-2"]);
  });
  it("a row shows its newest mail: where it went, why it stopped, its subject; first and last attempt over all", async () => {
    const member = await invited(tenant);
    const hourAgo = new Date(Date.now() - 3_600_000);
    await mail(tenant, member, "invitation", "bounced", {
      to: "old@example.com",
      reason: "bounce:NoEmail",
      at: hourAgo,
    });
    const newest = await mail(tenant, member, "invitation", "held", {
      to: "fixed@example.com",
      reason: "account_paused",
    });
    // The newest is the largest id, whatever its times say (a retried row is updated later).
    await mail(tenant, member, "message_notice", "failed", { subject: "Old subject" });
    const notice = await mail(tenant, member, "message_notice", "blocked", {
      subject: "New subject",
      at: hourAgo,
    });
    const rows = await ledgerRows({ tenantId: tenant.id });
    const invitation = rows.find((r) => r.category === "invitation")!;
    expect(invitation).toMatchObject({
      mailId: newest,
      attempts: 2,
      address: "fixed@example.com",
      status: "held",
      reason: "account_paused",
    });
    expect(invitation.firstAt.getTime()).toBe(hourAgo.getTime());
    expect(invitation.lastAt.getTime()).toBeGreaterThan(hourAgo.getTime());
    const notices = rows.filter((r) => r.category === "message_notice");
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ mailId: notice, attempts: 2, subject: "New subject" });
    expect(notices[0]!.firstAt.getTime()).toBe(hourAgo.getTime());
    expect(notices[0]!.lastAt.getTime()).toBeGreaterThan(hourAgo.getTime());
  });
});

describe("a member reached since is resolved, not a problem", () => {
  it("an invitation: a later one on its way, then delivered; a later one failing again reopens it", async () => {
    const member = await invited(tenant);
    await mail(tenant, member, "invitation", "bounced");
    const later = await mail(tenant, member, "invitation", "queued");
    expect((await ledgerRows({ tenantId: tenant.id }))[0]!.resolvedBy).toBe("on_its_way");
    await db.update(outboundEmails).set({ status: "failed" }).where(eq(outboundEmails.id, later));
    expect((await ledgerRows({ tenantId: tenant.id }))[0]).toMatchObject({
      resolvedBy: null,
      mailId: later,
      attempts: 2,
    });
    await db
      .update(outboundEmails)
      .set({ status: "delivered" })
      .where(eq(outboundEmails.id, later));
    expect((await ledgerRows({ tenantId: tenant.id }))[0]!.resolvedBy).toBe("delivered_later");
  });

  it("an invitation to a member who started since moves to 'already started'", async () => {
    const member = await invited(tenant);
    await mail(tenant, member, "invitation", "held", { reason: "account_paused" });
    await db
      .update(users)
      .set({ status: "active", passwordHash: "x" })
      .where(eq(users.id, member.id));
    const [row] = await ledgerRows({ tenantId: tenant.id });
    expect(row!.unsentCase).toBe("invitation_active");
  });

  it("a message notice: a later notice of the same message delivered, not of another", async () => {
    const member = await active(tenant);
    await mail(tenant, member, "message_notice", "failed", { messageId: "m-1" });
    await mail(tenant, member, "message_notice", "delivered", { messageId: "m-2" });
    expect((await ledgerRows({ tenantId: tenant.id }))[0]!.resolvedBy).toBeNull();
    await mail(tenant, member, "message_notice", "sent", { messageId: "m-1" });
    expect((await ledgerRows({ tenantId: tenant.id }))[0]!.resolvedBy).toBe("delivered_later");
  });

  it("a password reset: a later reset used, or a sign-in since", async () => {
    const a = await active(tenant);
    const b = await active(tenant);
    await mail(tenant, a, "password_reset", "expired", { at: new Date(Date.now() - 60_000) });
    await mail(tenant, b, "password_reset", "bounced", { at: new Date(Date.now() - 60_000) });
    await db.insert(memberTokens).values({
      tenantId: tenant.id,
      userId: a.id,
      kind: "password_reset",
      tokenHash: randomUUID(),
      expiresAt: new Date(Date.now() + 3_600_000),
      usedAt: new Date(),
    });
    await db.update(users).set({ lastLoginAt: new Date() }).where(eq(users.id, b.id));
    const rows = await ledgerRows({ tenantId: tenant.id });
    expect(rows.find((r) => r.memberId === a.id)!.resolvedBy).toBe("reset_used");
    expect(rows.find((r) => r.memberId === b.id)!.resolvedBy).toBe("signed_in");
  });

  it("a login code: a sign-in since, or a later code sent", async () => {
    const a = await active(tenant);
    const b = await active(tenant);
    await mail(tenant, a, "login_code", "expired", { at: new Date(Date.now() - 60_000) });
    await mail(tenant, b, "login_code", "held", { reason: "account_paused" });
    await db.update(users).set({ lastLoginAt: new Date() }).where(eq(users.id, a.id));
    await mail(tenant, b, "login_code", "sent");
    const rows = await ledgerRows({ tenantId: tenant.id });
    expect(rows.find((r) => r.memberId === a.id)!.resolvedBy).toBe("signed_in");
    expect(rows.find((r) => r.memberId === b.id)!.resolvedBy).toBe("delivered_later");
  });

  it("a handled row stays handled until a later mail of its kind fails again", async () => {
    const member = await active(tenant);
    const id = await mail(tenant, member, "message_notice", "bounced", { messageId: "m-9" });
    await db.insert(unsentHandlings).values({
      tenantId: tenant.id,
      memberId: member.id,
      category: "message_notice",
      subjectKey: "m-9",
      upToMailId: id,
      kind: "told_another_way",
    });
    expect((await ledgerRows({ tenantId: tenant.id }))[0]!.resolvedBy).toBe("told_another_way");
    await mail(tenant, member, "message_notice", "failed", { messageId: "m-9" });
    expect((await ledgerRows({ tenantId: tenant.id }))[0]!.resolvedBy).toBeNull();
  });

  it("an older handling still covers the row when a newer one (made under a filter) covers less", async () => {
    const member = await active(tenant);
    const first = await mail(tenant, member, "password_reset", "bounced");
    const second = await mail(tenant, member, "password_reset", "failed");
    const handling = {
      tenantId: tenant.id,
      memberId: member.id,
      category: "password_reset" as const,
    };
    await db
      .insert(unsentHandlings)
      .values({ ...handling, upToMailId: second, kind: "temporary_password" });
    await db.insert(unsentHandlings).values({ ...handling, upToMailId: first, kind: "handled" });
    expect((await ledgerRows({ tenantId: tenant.id }))[0]!.resolvedBy).toBe("temporary_password");
  });
});

describe("counts and filters", () => {
  it("counts open and resolved rows per case and per tenant", async () => {
    const other = await makeTenant("Other");
    await mail(tenant, await invited(tenant), "invitation", "bounced");
    await mail(tenant, await invited(tenant), "invitation", "held", { reason: "account_paused" });
    await mail(tenant, await active(tenant), "invitation", "held", { reason: "account_paused" });
    await mail(tenant, await active(tenant), "password_reset", "expired");
    const reached = await invited(tenant);
    await mail(tenant, reached, "invitation", "failed");
    await mail(tenant, reached, "invitation", "delivered");
    await mail(other, await active(other), "login_code", "expired");

    const counts = await ledgerCounts({ tenantId: tenant.id });
    expect(counts.invitation_new).toEqual({ open: 2, resolved: 1 });
    expect(counts.invitation_active).toEqual({ open: 1, resolved: 0 });
    expect(counts.password_reset).toEqual({ open: 1, resolved: 0 });
    expect(counts.login_code).toEqual({ open: 0, resolved: 0 });
    expect(counts.total).toEqual({ open: 4, resolved: 1 });

    const byTenant = await ledgerCountsByTenant({ allTenants: true });
    expect(byTenant.get(other.id)!.login_code).toEqual({ open: 1, resolved: 0 });
    expect(byTenant.get(tenant.id)!.total.open).toBe(4);

    expect(
      await ledgerRows({ tenantId: tenant.id }, { state: "open", case: "invitation_new" }),
    ).toHaveLength(2);
    expect(await ledgerRows({ tenantId: tenant.id }, { state: "resolved" })).toHaveLength(1);
  });

  it("filters by period and by reason", async () => {
    const old = new Date(Date.now() - 10 * 86_400_000);
    await mail(tenant, await invited(tenant), "invitation", "bounced", {
      at: old,
      reason: "bounce:NoEmail",
    });
    await mail(tenant, await invited(tenant), "invitation", "held", { reason: "account_paused" });
    await mail(tenant, await active(tenant), "login_code", "expired", { reason: "account_paused" });
    const since = new Date(Date.now() - 86_400_000);
    expect(await ledgerRows({ tenantId: tenant.id }, { since })).toHaveLength(2);
    expect(await ledgerRows({ tenantId: tenant.id }, { reason: "bounce:NoEmail" })).toHaveLength(1);
    expect(await ledgerReasons({ tenantId: tenant.id })).toEqual([
      { reason: "account_paused", n: 2 },
      { reason: "bounce:NoEmail", n: 1 },
    ]);
    expect((await ledgerCounts({ tenantId: tenant.id }, { since })).total.open).toBe(2);
  });

  it("the page's one statement gives the counts, the reasons and the first rows of each case", async () => {
    for (let i = 0; i < 3; i++)
      await mail(tenant, await invited(tenant), "invitation", "bounced", {
        reason: "bounce:NoEmail",
      });
    await mail(tenant, await invited(tenant), "invitation", "held", { reason: "account_paused" });
    await mail(tenant, await active(tenant), "message_notice", "failed", {
      reason: "MessageRejected: Email address is not verified.",
    });
    const reached = await active(tenant);
    await mail(tenant, reached, "login_code", "expired", { reason: "account_paused" });
    await mail(tenant, reached, "login_code", "sent");
    const scope = { tenantId: tenant.id };
    for (const state of ["open", "resolved", "all"] as const) {
      for (const reason of [null, "account_paused"]) {
        const page = await ledgerPageRows(
          scope,
          { state, reason },
          { perCase: 2, timeZone: "Asia/Tokyo" },
        );
        expect(page.counts).toEqual(await ledgerCounts(scope, { reason }));
        expect(page.reasons).toEqual(await ledgerReasons(scope));
        const expected = [];
        for (const c of [
          "invitation_new",
          "invitation_active",
          "message_notice",
          "password_reset",
          "login_code",
        ] as const)
          expected.push(
            ...(await ledgerRows(
              scope,
              { state, reason, case: c },
              { limit: 2, timeZone: "Asia/Tokyo" },
            )),
          );
        expect(page.rows).toEqual(expected);
      }
    }
    const empty = await ledgerPageRows(
      { tenantId: (await makeTenant("Empty")).id },
      {},
      { perCase: 5 },
    );
    expect(empty).toEqual({
      counts: await ledgerCounts({ tenantId: randomUUID() }),
      reasons: [],
      rows: [],
    });
  });

  it("the reason filter takes SES's own words for a refusal, exactly as stored", async () => {
    const { filterOf, ledgerQuery } = await import("./view");
    const refused =
      "MessageRejected: Email address is not verified. The following identities failed the check in region AP-NORTHEAST-1: a@example.com";
    await mail(tenant, await active(tenant), "message_notice", "failed", { reason: refused });
    await mail(tenant, await invited(tenant), "invitation", "bounced", {
      reason: "bounce:NoEmail",
    });
    const query = await ledgerQuery(new URLSearchParams({ period: "all", reason: refused }));
    expect(query.reason).toBe(refused);
    const rows = await ledgerRows({ tenantId: tenant.id }, filterOf(query));
    expect(rows.map((r) => r.reason)).toEqual([refused]);
    expect((await ledgerQuery({ reason: "bounce:NoEmail" })).reason).toBe("bounce:NoEmail");
    // What no stored reason can be is no filter at all.
    expect((await ledgerQuery({ reason: "x\u0000y" })).reason).toBeNull();
    expect((await ledgerQuery({ reason: "r".repeat(601) })).reason).toBeNull();
  });

  it("the cursor reads the same rows, in the same order, with times in the zone asked for", async () => {
    for (let i = 0; i < 5; i++) await mail(tenant, await invited(tenant), "invitation", "bounced");
    const at = new Date("2026-03-01T15:30:00Z");
    await mail(tenant, await active(tenant), "password_reset", "failed", { at });
    const page = await ledgerRows({ tenantId: tenant.id }, {}, { timeZone: "Asia/Tokyo" });
    const streamed: typeof page = [];
    for await (const row of ledgerCursor({ tenantId: tenant.id }, {}, "Asia/Tokyo"))
      streamed.push(row);
    expect(streamed).toEqual(page);
    const reset = streamed.find((r) => r.category === "password_reset")!;
    expect(reset.firstAt.toISOString()).toBe("2026-03-01T15:30:00.000Z");
    expect(reset.firstLocal.toISOString()).toBe("2026-03-02T00:30:00.000Z");
  });
});

describe("the latest pause, for the period filter", () => {
  it("is recorded when SES pauses the account and kept after it resumes", async () => {
    const { pauseAccount, refreshAccount } = await import("@/lib/mail/account");
    const { latestPause } = await import("./period");
    let enabled = true;
    const transport = {
      send: async () => ({ messageId: "x" }),
      getAccount: async () => ({
        sendingEnabled: enabled,
        enforcementStatus: "HEALTHY",
        maxSendRate: 14,
        max24HourSend: 50_000,
        sentLast24Hours: 0,
      }),
    };
    const t0 = new Date("2026-11-30T08:15:00Z");
    await refreshAccount(db, transport, new Date("2026-11-30T08:00:00Z"));
    await pauseAccount(db, "SendingPausedException: paused", t0);
    enabled = false;
    await refreshAccount(db, transport, new Date("2026-11-30T08:25:00Z"));
    expect(await latestPause()).toEqual({ startedAt: t0, endedAt: null });
    enabled = true;
    const t1 = new Date("2026-12-01T08:00:00Z");
    await refreshAccount(db, transport, t1);
    await refreshAccount(db, transport, new Date("2026-12-01T09:00:00Z"));
    expect(await latestPause()).toEqual({ startedAt: t0, endedAt: t1 });
  });
});
