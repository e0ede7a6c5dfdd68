import { randomBytes, randomUUID } from "node:crypto";
import { eq, inArray, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "@/db/client";
import {
  auditLog,
  messageRecipients,
  messages,
  outboundEmails,
  tenantMailState,
  users,
} from "@/db/schema";
import { adminContext, makeTenant } from "@/test/factories";
import { listBox, markAllRead, openMessage, unreadCount } from "./box";
import { postMessage } from "./post";
import { previewAudience } from "./preview";
import { renotify } from "./renotify";
import { sentMessage } from "./sent";

const memberCtx = (admin: Awaited<ReturnType<typeof adminContext>>, id: string) => ({
  tenant: admin.tenant,
  actor: { ...admin.actor, userId: id, role: "learner" as const },
});

async function school(
  n: number,
  fields: (i: number) => Partial<typeof users.$inferInsert> = () => ({}),
) {
  const admin = await adminContext(await makeTenant("Message School"));
  const tag = randomBytes(3).toString("hex");
  const rows = Array.from({ length: n }, (_, i) => ({
    tenantId: admin.tenant.id,
    role: "learner" as const,
    loginId: `m${tag}.${i}`,
    name: `Member ${i}`,
    email: `m${tag}.${i}@example.com`,
    emailStatus: "ok" as const,
    status: "active" as const,
    ...fields(i),
  }));
  const members = [];
  for (let i = 0; i < rows.length; i += 2_000) {
    members.push(
      ...(await db
        .insert(users)
        .values(rows.slice(i, i + 2_000))
        .returning({ id: users.id })),
    );
  }
  return { admin, members: members.map((m) => m.id) };
}

/** What the audit log says was done about a message. */
const auditOf = (messageId: string) =>
  db
    .select({ action: auditLog.action, actorId: auditLog.actorId, detail: auditLog.detail })
    .from(auditLog)
    .where(eq(auditLog.subjectId, messageId));

const noticesOf = (messageId: string) =>
  db
    .select({
      memberId: outboundEmails.memberId,
      status: outboundEmails.status,
      reason: outboundEmails.reason,
      nextAttemptAt: outboundEmails.nextAttemptAt,
      to: outboundEmails.toAddress,
    })
    .from(outboundEmails)
    .where(sql`${outboundEmails.params}->>'messageId' = ${messageId}`);

describe("posting a message", () => {
  it("reaches 10,000 members with their notices in one transaction", async () => {
    const { admin, members } = await school(10_000);
    const posted = await postMessage(admin, {
      subject: "Term starts Monday",
      body: "Hello all,\nsee https://example.com/term for the timetable.",
      noticeMode: "now",
      audience: { kind: "all" },
    });
    expect(posted).toMatchObject({ recipients: 10_000, notices: 10_000 });
    const notices = await noticesOf(posted.messageId);
    expect(notices).toHaveLength(10_000);
    expect(new Set(notices.map((n) => n.memberId))).toEqual(new Set(members));
    expect(notices.every((n) => n.status === "queued")).toBe(true);
    // Each box row names its notice.
    const [linked] = await db.execute<{ n: number }>(sql`
      select count(*)::int as n from message_recipients r join outbound_emails o on o.id = r.notice_id
       where r.message_id = ${posted.messageId} and o.member_id = r.member_id`);
    expect(Number(linked!.n)).toBe(10_000);
    const [msg] = await db.select().from(messages).where(eq(messages.id, posted.messageId));
    expect(msg!.recipientCount).toBe(10_000);
    expect(await auditOf(posted.messageId)).toEqual([
      {
        action: "message.posted",
        actorId: admin.actor.userId,
        detail: {
          subject: "Term starts Monday",
          audience: "all",
          recipients: 10_000,
          notices: 10_000,
          noticeMode: "now",
        },
      },
    ]);
  });

  it("leaves nothing behind when it fails: a foreign id, nobody to send to, bad content", async () => {
    const { admin, members } = await school(3);
    const other = await adminContext(await makeTenant("Elsewhere"));
    const before = await db.select({ n: sql<number>`count(*)::int` }).from(messages);
    const cases = [
      {
        audience: { kind: "selected" as const, ids: [members[0]!, other.actor.userId] },
        message: /not in your organisation/,
      },
      { audience: { kind: "selected" as const, ids: [admin.actor.userId] }, message: /Nobody/ },
    ];
    for (const c of cases) {
      await expect(
        postMessage(admin, { subject: "S", body: "B", noticeMode: "now", audience: c.audience }),
      ).rejects.toThrow(c.message);
    }
    for (const [subject, body, re] of [
      ["", "B", /Write a subject/],
      ["S", "  ", /Write the message/],
      ["S", "x".repeat(20_001), /the most is 20,000/],
      ["S", "a\u0000b", /NUL/],
      ["S", "<script>alert(1)</script>", /plain text/],
    ] as const) {
      await expect(
        postMessage(admin, { subject, body, noticeMode: "now", audience: { kind: "all" } }),
      ).rejects.toThrow(re);
    }
    const after = await db.select({ n: sql<number>`count(*)::int` }).from(messages);
    expect(Number(after[0]!.n)).toBe(Number(before[0]!.n));
    const audited = await db.select().from(auditLog).where(eq(auditLog.tenantId, admin.tenant.id));
    expect(audited).toEqual([]);
    const stray = await db
      .select()
      .from(messageRecipients)
      .where(inArray(messageRecipients.memberId, members));
    expect(stray).toEqual([]);
  });

  it("previews who cannot be told by e-mail, and why", async () => {
    const { admin, members } = await school(4, (i) =>
      i === 0
        ? { email: null, emailStatus: "none" }
        : i === 1
          ? { emailStatus: "bounced" }
          : i === 2
            ? { emailStatus: "suppressed" }
            : {},
    );
    const preview = await previewAudience(admin, { kind: "selected", ids: members });
    expect(preview).toMatchObject({ total: 4, reachable: 1, unreachableCount: 3 });
    expect(preview.unreachable.map((u) => u.why).sort()).toEqual([
      "bounced",
      "no_address",
      "suppressed",
    ]);
  });
});

describe("reading", () => {
  it("marks read, counts unread, and 'only if unread' cancels the notice of whoever read first", async () => {
    const { admin, members } = await school(3);
    const posted = await postMessage(admin, {
      subject: "Only if unread",
      body: "Read me.",
      noticeMode: "after_1h",
      audience: { kind: "all" },
    });
    const notices = await noticesOf(posted.messageId);
    expect(notices.every((n) => n.nextAttemptAt.getTime() > Date.now() + 59 * 60_000)).toBe(true);

    const reader = memberCtx(admin, members[0]!);
    expect(await unreadCount(reader)).toBe(1);
    const opened = await openMessage(reader, posted.messageId);
    expect(opened).toMatchObject({ subject: "Only if unread", body: "Read me." });
    expect(await unreadCount(reader)).toBe(0);
    const after = await noticesOf(posted.messageId);
    expect(after.find((n) => n.memberId === members[0])).toMatchObject({
      status: "cancelled",
      reason: "message_read",
    });
    expect(after.filter((n) => n.status === "queued")).toHaveLength(2);

    // Someone else's message is a missing one.
    const stranger = await adminContext(await makeTenant("Stranger School"));
    await expect(openMessage(stranger, posted.messageId)).rejects.toThrow(/not in your box/);
    await expect(sentMessage(stranger, posted.messageId, 1)).rejects.toThrow(/not your/);

    const second = memberCtx(admin, members[1]!);
    await postMessage(admin, {
      subject: "Another",
      body: "Two.",
      noticeMode: "never",
      audience: { kind: "all" },
    });
    expect((await listBox(second, 1)).unread).toBe(2);
    expect(await markAllRead(second)).toBe(2);
    expect(await unreadCount(second)).toBe(0);
    const sent = await sentMessage(admin, posted.messageId, 1);
    expect(sent).toMatchObject({ recipients: 3, read: 2 });
    expect(sent.notices).toMatchObject({ cancelledRead: 2, waiting: 1 });
  });
});

describe("re-notify", () => {
  it("reaches only the failed and held ones, and says when they wait behind a pause", async () => {
    const { admin, members } = await school(6);
    const posted = await postMessage(admin, {
      subject: "Renotify",
      body: "Hello.",
      noticeMode: "now",
      audience: { kind: "all" },
    });
    const states = ["bounced", "blocked", "failed", "held", "delivered", "queued"] as const;
    for (const [i, status] of states.entries()) {
      await db
        .update(outboundEmails)
        .set({ status })
        .where(
          sql`${outboundEmails.memberId} = ${members[i]!} and ${outboundEmails.params}->>'messageId' = ${posted.messageId}`,
        );
    }
    // A reader of a bounced notice needs no new one.
    await db
      .update(messageRecipients)
      .set({ readAt: new Date() })
      .where(eq(messageRecipients.memberId, members[0]!));

    await db.insert(tenantMailState).values({
      tenantId: admin.tenant.id,
      window: 25,
      breaker: "open",
      breakerChangedBy: "system",
      breakerReason: "Set by the test.",
      breakerChangedAt: new Date(),
    });
    const result = await renotify(admin, posted.messageId);
    expect(result.queued).toBe(3);
    expect(result.message).toMatch(/wait/);

    const notices = await noticesOf(posted.messageId);
    const byMember = (i: number) =>
      notices
        .filter((n) => n.memberId === members[i])
        .map((n) => n.status)
        .sort();
    expect(byMember(0)).toEqual(["bounced"]);
    expect(byMember(1)).toEqual(["blocked", "queued"]);
    expect(byMember(2)).toEqual(["failed", "queued"]);
    expect(byMember(3)).toEqual(["cancelled", "queued"]);
    expect(byMember(4)).toEqual(["delivered"]);
    expect(byMember(5)).toEqual(["queued"]);
    // A second press finds nothing more to do.
    expect((await renotify(admin, posted.messageId)).queued).toBe(0);
    expect(
      (await auditOf(posted.messageId)).filter((a) => a.action === "message.renotified"),
    ).toEqual([
      {
        action: "message.renotified",
        actorId: admin.actor.userId,
        detail: { subject: expect.any(String), notices: 3 },
      },
    ]);
    await expect(renotify(admin, randomUUID())).rejects.toThrow(/does not exist/);
  });
});

describe("announcements", () => {
  it("'sending has been restored' reaches everyone in the tenant in-app, by e-mail only if asked", async () => {
    const { admin, members } = await school(3);
    const { announceSendingRestored } = await import("./announcements");
    const inApp = await announceSendingRestored(admin.tenant.id, { actorId: admin.actor.userId });
    // Everyone: the three learners and the admin who posted it.
    expect(inApp).toMatchObject({ recipients: 4, notices: 0 });
    const box = await listBox(memberCtx(admin, members[0]!), 1);
    expect(box.lines[0]).toMatchObject({
      subject: "Sending has been restored",
      kind: "announcement",
    });

    const byMail = await announceSendingRestored(admin.tenant.id, {
      actorId: admin.actor.userId,
      email: true,
    });
    expect(byMail).toMatchObject({ recipients: 4, notices: 4 });
    const mails = await db
      .select({ category: outboundEmails.category, params: outboundEmails.params })
      .from(outboundEmails)
      .where(eq(outboundEmails.memberId, members[1]!));
    expect(mails.filter((m) => m.category === "announcement")).toHaveLength(1);
    expect(String(mails.find((m) => m.category === "announcement")!.params.body)).toMatch(
      /ask for a new one now/,
    );
  });

  it("an operator's announcement reaches every tenant at once; a tenant with nobody is skipped", async () => {
    const first = await school(2);
    const second = await school(1);
    await makeTenant("Empty School");
    const { announceToEveryTenant } = await import("./announcements");
    const operator = { ...first.admin.actor, role: "operator" as const, tenantId: null };
    const [op] = await db
      .insert(users)
      .values({ role: "operator", loginId: `op.${randomBytes(3).toString("hex")}`, tenantId: null })
      .returning({ id: users.id });
    const result = await announceToEveryTenant(
      { ...operator, userId: op!.id },
      { subject: "Maintenance tonight", body: "Sendwell is down 02:00–02:30 UTC.", email: false },
    );
    expect(result.tenants).toBeGreaterThanOrEqual(2);
    for (const [ctx, id] of [
      [first.admin, first.members[0]!],
      [second.admin, second.members[0]!],
    ] as const) {
      expect((await listBox(memberCtx(ctx, id), 1)).lines[0]!.subject).toBe("Maintenance tonight");
    }
    await expect(
      announceToEveryTenant(first.admin.actor, { subject: "x", body: "y", email: false }),
    ).rejects.toThrow(/Only operators/);
  });
});
