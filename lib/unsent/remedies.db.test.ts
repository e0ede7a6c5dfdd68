import { and, eq, sql } from "drizzle-orm";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { db } from "@/db/client";
import {
  accountMailState,
  auditLog,
  memberTokens,
  outboundEmails,
  users,
  type MailCategory,
  type MailStatus,
} from "@/db/schema";
import { DomainChecker, setDefaultDomainChecker } from "@/lib/address/domain-verdict";
import { verifyPassword } from "@/lib/auth/password";
import { ensureAccountRow } from "@/lib/mail/account";
import { OfflineResolver } from "@/lib/mail/offline-dns";
import { adminContext, makeTenant, makeUser } from "@/test/factories";
import { ledgerRows } from "./ledger";
import {
  announceRestored,
  issueBypassCodes,
  fixAddressAndResend,
  issueActivationCodes,
  markHandled,
  renotifyRows,
  resendInvitations,
  sendNewResetLinks,
  setTemporaryPasswords,
} from "./remedies";

type Tenant = Awaited<ReturnType<typeof makeTenant>>;
type Ctx = Awaited<ReturnType<typeof adminContext>>;

async function unsent(
  tenant: Tenant,
  member: { id: string; email: string | null },
  category: MailCategory,
  status: MailStatus,
  reason: string | null = null,
): Promise<number> {
  const [row] = await db
    .insert(outboundEmails)
    .values({
      tenantId: tenant.id,
      memberId: member.id,
      category,
      lane: category === "password_reset" || category === "login_code" ? "transactional" : "bulk",
      toAddress: member.email,
      template: category,
      params:
        category === "message_notice" ? { memberName: "", messageId: "m-1", subject: "Hi" } : {},
      status,
      reason,
    })
    .returning({ id: outboundEmails.id });
  return row!.id;
}

const queued = (memberId: string, category: MailCategory) =>
  db
    .select({ to: outboundEmails.toAddress, status: outboundEmails.status })
    .from(outboundEmails)
    .where(
      and(
        eq(outboundEmails.memberId, memberId),
        eq(outboundEmails.category, category),
        eq(outboundEmails.status, "queued"),
      ),
    );
const audits = (tenantId: string, action: string) =>
  db
    .select({ id: auditLog.id })
    .from(auditLog)
    .where(and(eq(auditLog.tenantId, tenantId), eq(auditLog.action, action)));

let tenant: Tenant;
let ctx: Ctx;
beforeAll(() => {
  setDefaultDomainChecker(new DomainChecker({ resolver: new OfflineResolver([]) }));
});
beforeEach(async () => {
  tenant = await makeTenant("Remedies");
  ctx = await adminContext(tenant);
  await ensureAccountRow(db);
  await db.update(accountMailState).set({ pausedUntil: null, sendingEnabled: true });
});

const newcomer = (email: string | null = "new.person@example.com") =>
  makeUser({
    tenantId: tenant.id,
    status: "invited",
    passwordHash: null,
    email,
    emailStatus: email ? "ok" : "none",
  });
const regular = (email = "regular@example.com", emailStatus: "ok" | "bounced" = "ok") =>
  makeUser({ tenantId: tenant.id, email, emailStatus });

describe("mark as handled", () => {
  it("handles open rows with the note, skips resolved and foreign rows, and audits", async () => {
    const a = await unsent(tenant, await regular(), "password_reset", "expired");
    const b = await unsent(tenant, await regular(), "message_notice", "bounced");
    const other = await makeTenant("Other");
    const foreign = await unsent(
      other,
      await makeUser({ tenantId: other.id }),
      "login_code",
      "failed",
    );
    const answer = await markHandled(ctx, [a, b, foreign], { note: "Phoned them" });
    expect(answer).toMatchObject({ done: 2, skipped: 1 });
    expect(answer.message).toMatch(/Marked as handled: 2\. 1 row was skipped: resolved meanwhile/);
    const rows = await ledgerRows({ tenantId: tenant.id });
    expect(rows.map((r) => r.resolvedBy)).toEqual(["handled", "handled"]);
    expect((await ledgerRows({ tenantId: other.id }))[0]!.resolvedBy).toBeNull();
    expect(await audits(tenant.id, "unsent.handled")).toHaveLength(2);
    expect((await markHandled(ctx, [a], { note: null })).skipped).toBe(1);
  });

  it("'told another way' is for message notices only", async () => {
    const notice = await unsent(tenant, await regular(), "message_notice", "failed");
    const reset = await unsent(tenant, await regular(), "password_reset", "failed");
    const answer = await markHandled(ctx, [notice, reset], {
      note: null,
      kind: "told_another_way",
    });
    expect(answer).toMatchObject({ done: 1, unfit: 1, skipped: 0 });
  });

  it("refuses an empty selection in words", async () => {
    await expect(markHandled(ctx, [], { note: null })).rejects.toThrow(/Select at least one row/);
  });
});

describe("invitations", () => {
  it("resend queues one new invitation per open row through the outbox, never twice", async () => {
    const m = await newcomer();
    const bare = await newcomer(null);
    const id = await unsent(tenant, m, "invitation", "failed");
    const bareId = await unsent(tenant, bare, "invitation", "blocked", "no_address");
    const first = await resendInvitations(ctx, [id, bareId]);
    expect(first).toMatchObject({ done: 1, unfit: 1, skipped: 0, behindPause: null });
    expect(await queued(m.id, "invitation")).toEqual([{ to: m.email, status: "queued" }]);
    const again = await resendInvitations(ctx, [id]);
    expect(again).toMatchObject({ done: 0, skipped: 1 });
    expect(await queued(m.id, "invitation")).toHaveLength(1);
    expect(await audits(tenant.id, "unsent.invitation_resent")).toHaveLength(1);
  });

  it("says plainly when the new invitations wait behind SES's pause", async () => {
    const m = await newcomer();
    const id = await unsent(tenant, m, "invitation", "held", "account_paused");
    await db.update(accountMailState).set({ pausedUntil: new Date(Date.now() + 600_000) });
    const answer = await resendInvitations(ctx, [id]);
    expect(answer.behindPause).not.toBeNull();
    expect(answer.message).toMatch(/queued behind the pause/);
  });

  it("fixing the address stores it and invites it; a resolved row is refused", async () => {
    const m = await newcomer("typo@gmial.com");
    const id = await unsent(tenant, m, "invitation", "bounced", "bounce:NoEmail");
    const answer = await fixAddressAndResend(ctx, id, { email: "right@example.com" });
    expect(answer.done).toBe(1);
    expect(await queued(m.id, "invitation")).toEqual([
      { to: "right@example.com", status: "queued" },
    ]);
    const [member] = await db.select({ email: users.email }).from(users).where(eq(users.id, m.id));
    expect(member!.email).toBe("right@example.com");
    await expect(fixAddressAndResend(ctx, id, { email: "other@example.com" })).rejects.toThrow(
      /resolved meanwhile/,
    );
  });

  it("activation codes replace the links, are returned once with a workbook, and resolve the rows", async () => {
    const m = await newcomer();
    const id = await unsent(tenant, m, "invitation", "bounced", "bounce:General");
    const answer = await issueActivationCodes(ctx, [id]);
    expect(answer.codes).toEqual([
      {
        loginId: m.loginId,
        name: m.name,
        code: expect.stringMatching(/^[A-Z2-9]{5}-[A-Z2-9]{5}$/),
      },
    ]);
    expect(Buffer.from(answer.workbook!, "base64").subarray(0, 2).toString()).toBe("PK");
    const tokens = await db
      .select({ kind: memberTokens.kind, used: memberTokens.usedAt })
      .from(memberTokens)
      .where(eq(memberTokens.userId, m.id));
    expect(tokens.filter((t) => t.kind === "activation_code" && t.used === null)).toHaveLength(1);
    expect((await ledgerRows({ tenantId: tenant.id }))[0]!.resolvedBy).toBe("activation_code");
  });
});

describe("password resets", () => {
  it("a new reset link goes to a working address; a bounced one is left for a temporary password", async () => {
    const good = await regular("fine@example.com");
    const dead = await regular("dead@example.com", "bounced");
    const a = await unsent(tenant, good, "password_reset", "expired");
    const b = await unsent(tenant, dead, "password_reset", "bounced");
    const answer = await sendNewResetLinks(ctx, [a, b]);
    expect(answer).toMatchObject({ done: 1, unfit: 1 });
    expect(await queued(good.id, "password_reset")).toEqual([
      { to: "fine@example.com", status: "queued" },
    ]);
    expect(await queued(dead.id, "password_reset")).toEqual([]);
  });

  it("a temporary password works once shown, must be changed, and resolves the row", async () => {
    const m = await regular();
    const id = await unsent(tenant, m, "password_reset", "failed");
    const answer = await setTemporaryPasswords(ctx, [id]);
    expect(answer.passwords).toHaveLength(1);
    const [row] = await db
      .select({ hash: users.passwordHash, must: users.mustChangePassword })
      .from(users)
      .where(eq(users.id, m.id));
    expect(await verifyPassword(row!.hash, answer.passwords[0]!.password)).toBe(true);
    expect(row!.must).toBe(true);
    expect((await ledgerRows({ tenantId: tenant.id }))[0]!.resolvedBy).toBe("temporary_password");
    expect(await audits(tenant.id, "member.temporary_password")).toHaveLength(1);
  });
});

describe("message notices, login codes and the operators' notice (the messages' own functions)", () => {
  async function failedNotice(member: { id: string }) {
    const { postMessage } = await import("@/lib/messages/post");
    const posted = await postMessage(ctx, {
      subject: "Timetable",
      body: "See you Monday.",
      noticeMode: "now",
      audience: { kind: "selected", ids: [member.id] },
    });
    const [mail] = await db
      .update(outboundEmails)
      .set({ status: "bounced", reason: "bounce:General" })
      .where(
        and(eq(outboundEmails.memberId, member.id), eq(outboundEmails.category, "message_notice")),
      )
      .returning({ id: outboundEmails.id });
    return { messageId: posted.messageId, mailId: mail!.id };
  }

  it("re-notify queues one new notice per unread member, never twice; a read message is resolved", async () => {
    const a = await regular("a.reader@example.com");
    const b = await regular("b.reader@example.com");
    const first = await failedNotice(a);
    const second = await failedNotice(b);
    await db.execute(
      sql`update message_recipients set read_at = now() where member_id = ${b.id} and message_id = ${second.messageId}`,
    );
    const rows = await ledgerRows({ tenantId: tenant.id });
    expect(rows.find((r) => r.memberId === b.id)!.resolvedBy).toBe("read");
    const answer = await renotifyRows(ctx, [first.mailId, second.mailId]);
    expect(answer).toMatchObject({ done: 1, skipped: 1 });
    expect(await queued(a.id, "message_notice")).toEqual([
      { to: "a.reader@example.com", status: "queued" },
    ]);
    expect((await renotifyRows(ctx, [first.mailId])).skipped).toBe(1);
    expect(await queued(a.id, "message_notice")).toHaveLength(1);
  });

  it("'sending has been restored' lands in every member's box, in-app only", async () => {
    const member = await regular();
    const answer = await announceRestored(ctx);
    expect(answer.recipients).toBe(2);
    const [box] = await db.execute<{ subject: string }>(sql`
      select m.subject from message_recipients r join messages m on m.id = r.message_id
       where r.member_id = ${member.id}`);
    expect(box!.subject).toBe("Sending has been restored");
    expect(await queued(member.id, "announcement")).toEqual([]);
  });

  it("the operators' one click tells the admins of each tenant with members to reach, in their box", async () => {
    const { noticeTenantAdmins } = await import("./operators");
    const { ledgerQuery } = await import("./view");
    const quiet = await makeTenant("Quiet");
    await adminContext(quiet);
    await unsent(tenant, await regular(), "login_code", "expired");
    await unsent(tenant, await newcomer(), "invitation", "held", "account_paused");
    const operator = await makeUser({
      tenantId: null,
      role: "operator",
      loginId: `ops.${tenant.slug}`,
    });
    const answer = await noticeTenantAdmins(
      {
        userId: operator.id,
        sessionId: "s",
        role: "operator",
        tenantId: null,
        loginId: operator.loginId,
        name: "",
        mustChangePassword: false,
      },
      await ledgerQuery({ period: "all" }),
    );
    expect(answer.tenants).toBeGreaterThanOrEqual(1);
    const box = await db.execute<{ subject: string; body: string; tenantId: string }>(sql`
      select m.subject, m.body, m.tenant_id as "tenantId" from message_recipients r join messages m on m.id = r.message_id
       where r.member_id in (${ctx.actor.userId})`);
    expect(box).toHaveLength(1);
    expect(box[0]!.subject).toBe("2 members missed mail at any time; see the list");
    expect(box[0]!.body).toContain(`/t/${tenant.slug}/admin/unsent?period=all`);
    const quietBox = await db.execute(sql`
      select 1 from message_recipients r join messages m on m.id = r.message_id where m.tenant_id = ${quiet.id}`);
    expect(quietBox).toHaveLength(0);
  });
});

describe("telling the admins, once per period", () => {
  it("a second click tells nobody twice, says when they were told, and reaches only tenants new to the list", async () => {
    const { noticeAnswer, noticeTenantAdmins, noticesSent } = await import("./operators");
    const { ledgerQuery } = await import("./view");
    await unsent(tenant, await regular(), "login_code", "expired");
    const operator = await makeUser({
      tenantId: null,
      role: "operator",
      loginId: `ops2.${tenant.slug}`,
    });
    const actor = {
      userId: operator.id,
      sessionId: "s",
      role: "operator" as const,
      tenantId: null,
      loginId: operator.loginId,
      name: "",
      mustChangePassword: false,
    };
    // A date period nobody else in this file uses: its own key.
    const query = await ledgerQuery({ period: "2020-01-01" });
    const inBox = async (tenantId: string) =>
      (
        await db.execute(sql`
          select 1 from message_recipients r join messages m on m.id = r.message_id
           where m.tenant_id = ${tenantId} and m.subject like '%missed mail%'`)
      ).length;

    const first = await noticeTenantAdmins(actor, query);
    expect(first.tenants).toBeGreaterThanOrEqual(1);
    expect(await inBox(tenant.id)).toBe(1);
    const told = await noticesSent(query);
    expect(told!.tenantIds.has(tenant.id)).toBe(true);

    const again = await noticeTenantAdmins(actor, query);
    expect(again).toMatchObject({ tenants: 0, admins: 0 });
    expect(again.alreadyTold!.tenants).toBe(first.tenants);
    expect(noticeAnswer(again)).toMatch(
      /^Nobody new to tell: .* already been told for this period \(last on \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC\)\.$/,
    );
    expect(await inBox(tenant.id)).toBe(1);

    const late = await makeTenant("Late");
    await adminContext(late);
    await unsent(
      late,
      await makeUser({ tenantId: late.id, email: "late@example.com" }),
      "password_reset",
      "failed",
    );
    const third = await noticeTenantAdmins(actor, query);
    expect(third.tenants).toBe(1);
    expect(await inBox(late.id)).toBe(1);
    expect(await inBox(tenant.id)).toBe(1);
    expect(noticeAnswer(third)).toMatch(
      /^Told 1 admin of 1 organisation, .* had already been told/,
    );
  });
});

describe("login codes", () => {
  it("a bypass code each, shown once, resolves the row; a second click skips it", async () => {
    const m = await regular();
    const id = await unsent(tenant, m, "login_code", "expired");
    const answer = await issueBypassCodes(ctx, [id]);
    expect(answer.codes).toEqual([
      {
        loginId: m.loginId,
        name: m.name,
        code: expect.stringMatching(/^[A-Z2-9]{10}$|^[A-Z2-9]{5}-[A-Z2-9]{5}$/),
      },
    ]);
    expect((await ledgerRows({ tenantId: tenant.id }))[0]!.resolvedBy).toBe("bypass_code");
    expect(await issueBypassCodes(ctx, [id])).toMatchObject({ done: 0, skipped: 1 });
    expect(await audits(tenant.id, "unsent.bypass_code")).toHaveLength(1);
  });
});
