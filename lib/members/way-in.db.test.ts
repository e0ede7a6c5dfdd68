import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "@/db/client";
import { memberTokens, outboundEmails } from "@/db/schema";
import { cancelPending } from "@/lib/mail/outbox";
import { adminContext, makeTenant, makeUser } from "@/test/factories";
import { giveWayIn, giveWaysIn } from "./way-in";

async function newcomer() {
  const ctx = await adminContext(await makeTenant("Way In School"));
  const member = await makeUser({ tenantId: ctx.tenant.id, status: "invited", passwordHash: null });
  return {
    tenantId: ctx.tenant.id,
    userId: member.id,
    loginId: member.loginId,
    name: member.name,
    email: null as string | null,
  };
}

const liveTokens = async (userId: string) =>
  (await db.select().from(memberTokens).where(eq(memberTokens.userId, userId)))
    .filter((t) => t.usedAt === null)
    .map((t) => t.kind);

const mailsOf = async (userId: string) =>
  db
    .select({ status: outboundEmails.status, reason: outboundEmails.reason })
    .from(outboundEmails)
    .where(eq(outboundEmails.memberId, userId))
    .orderBy(outboundEmails.id);

describe("a way in", () => {
  it("supersedes every earlier one: a code after a link, a link after a code", async () => {
    const member = await newcomer();
    const first = await giveWayIn(db, { ...member, email: `${member.loginId}@example.com` });
    expect(first).toMatchObject({ kind: "invitation", address: `${member.loginId}@example.com` });
    expect(await liveTokens(member.userId)).toEqual(["invitation"]);

    const code = await giveWayIn(db, member);
    expect(code).toMatchObject({
      kind: "code",
      code: expect.stringMatching(/^[A-Z2-9]{5}-[A-Z2-9]{5}$/),
    });
    expect(await liveTokens(member.userId)).toEqual(["activation_code"]);
    // The invitation had not gone out: it is cancelled, so the old link is never mailed.
    expect(await mailsOf(member.userId)).toEqual([{ status: "cancelled", reason: "superseded" }]);

    await giveWayIn(db, { ...member, email: `${member.loginId}@example.com` });
    expect(await liveTokens(member.userId)).toEqual(["invitation"]);
  });

  it("is the same for many at once: one batch of invitations, codes for those without an address", async () => {
    const a = await newcomer();
    const b = await newcomer();
    const withAddress = { ...a, email: `${a.loginId}@example.com` };
    await giveWayIn(db, withAddress);
    const ways = await db.transaction((tx) =>
      giveWaysIn(tx, a.tenantId, [withAddress], { superseding: [a.userId] }),
    );
    expect(ways).toMatchObject({ invitations: 1, codes: [], batchId: expect.any(String) });
    expect(await mailsOf(a.userId)).toEqual([
      { status: "cancelled", reason: "superseded" },
      { status: "queued", reason: null },
    ]);
    const codes = await db.transaction((tx) => giveWaysIn(tx, b.tenantId, [b]));
    expect(codes).toMatchObject({ invitations: 0, batchId: null, codes: [{ userId: b.userId }] });
    expect(await liveTokens(b.userId)).toEqual(["activation_code"]);
  });
});

describe("cancelPending", () => {
  it("leaves a blocked mail as the record of a superseded one, but cancels it when the member is deleted", async () => {
    const member = await newcomer();
    await giveWayIn(db, { ...member, email: `${member.loginId}@example.com` });
    await db
      .update(outboundEmails)
      .set({ status: "blocked", reason: "suppressed" })
      .where(eq(outboundEmails.memberId, member.userId));
    const target = { tenantId: member.tenantId, memberIds: [member.userId] };
    expect(await cancelPending(db, { ...target, category: "invitation" }, "superseded")).toBe(0);
    expect(await cancelPending(db, target, "member_deleted")).toBe(1);
    const other = await newcomer();
    // Another tenant's id matches nothing.
    expect(
      await cancelPending(
        db,
        { tenantId: other.tenantId, memberIds: [member.userId] },
        "member_deleted",
      ),
    ).toBe(0);
  });
});
