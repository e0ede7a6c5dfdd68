import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/db/client";
import { outboundEmails, sesEvents, tenantMailState, users } from "@/db/schema";
import { DomainChecker, setDefaultDomainChecker } from "@/lib/address/domain-verdict";
import { OfflineResolver } from "@/lib/mail/offline-dns";
import { suppress } from "@/lib/suppressions";
import { adminContext, makeTenant, makeUser } from "@/test/factories";
import { adminSendReset } from "./password-reset";
import { listMembers } from "./list";
import { parseMemberQuery } from "./list-query";
import { applyAddressSuggestion, createMember, updateMember } from "./members";
import { resendAnswer, resendInvitations } from "./resend";

const DEAD = "no-such-school.com";
beforeAll(() => {
  setDefaultDomainChecker(new DomainChecker({ resolver: new OfflineResolver([DEAD]) }));
});

async function school() {
  const tenant = await makeTenant("Resend School");
  const ctx = await adminContext(tenant);
  const invited = (loginId: string, email: string | null) =>
    makeUser({
      tenantId: tenant.id,
      loginId: `${loginId}.${randomBytes(2).toString("hex")}`,
      email,
      status: "invited",
      passwordHash: null,
    });
  return { tenant, ctx, invited };
}

const mailsOf = async (memberId: string) =>
  db
    .select({ status: outboundEmails.status, to: outboundEmails.toAddress })
    .from(outboundEmails)
    .where(eq(outboundEmails.memberId, memberId));

async function suppressAddress(tenantId: string, address: string) {
  const [event] = await db
    .insert(sesEvents)
    .values({
      snsMessageId: `m-${randomBytes(6).toString("hex")}`,
      topicArn: "t",
      eventType: "Bounce",
      tenantId,
      payload: {},
    })
    .returning({ id: sesEvents.id });
  await suppress(db, {
    tenantId,
    addresses: [address],
    reason: "bounce",
    detail: { eventId: event!.id },
  });
}

describe("resending an invitation says what will actually happen", () => {
  it("a suppressed address: not 'on its way' but blocked, with what to do, and nothing queued", async () => {
    const { tenant, ctx, invited } = await school();
    const ava = await invited("ava.bounce", `ava.${randomBytes(2).toString("hex")}@example.com`);
    await suppressAddress(tenant.id, ava.email!);
    const [outcome] = await resendInvitations(ctx, [ava.id]);
    expect(outcome).toMatchObject({ kind: "blocked", loginId: ava.loginId });
    expect(outcome!.text).toMatch(/bounced or was reported as spam/);
    expect(outcome!.text).toMatch(/activation code/);
    expect(resendAnswer([outcome!]).ok).toBe(false);
    expect(resendAnswer([outcome!]).message).not.toMatch(/on its way/);
    expect(await mailsOf(ava.id)).toEqual([]);
  });

  it("a bulk resend counts each member under what happens to them: sent, blocked at a dead domain", async () => {
    const { ctx, invited } = await school();
    const good1 = await invited("good1", `g1.${randomBytes(2).toString("hex")}@example.com`);
    const good2 = await invited("good2", `g2.${randomBytes(2).toString("hex")}@example.com`);
    const yuki = await invited("yuki.i", `yuki@${DEAD}`);
    const started = await makeUser({ tenantId: ctx.tenant.id });
    const outcomes = await resendInvitations(ctx, [good1.id, good2.id, yuki.id, started.id]);
    const kinds = Object.fromEntries(outcomes.map((o) => [o.memberId, o.kind]));
    expect(kinds).toEqual({
      [good1.id]: "sent",
      [good2.id]: "sent",
      [yuki.id]: "blocked",
      [started.id]: "skipped",
    });
    const answer = resendAnswer(outcomes);
    expect(answer.message).toMatch(/on their way to 2 members/);
    expect(answer.message).not.toMatch(/3 members/);
    expect(answer.message).toContain(yuki.loginId);
    expect(answer.message).toMatch(/does not exist/);
    expect(await mailsOf(yuki.id)).toEqual([]);
    expect(await mailsOf(good1.id)).toEqual([{ status: "queued", to: good1.email }]);
  });

  it("during the tenant's pause: queued but held, and why", async () => {
    const { tenant, ctx, invited } = await school();
    await db.insert(tenantMailState).values({
      tenantId: tenant.id,
      window: 25,
      breaker: "open",
      breakerChangedBy: "system",
      breakerReason: "Too many bounces.",
    });
    const hana = await invited("hana.k", `hana.${randomBytes(2).toString("hex")}@example.com`);
    const [outcome] = await resendInvitations(ctx, [hana.id]);
    expect(outcome).toMatchObject({ kind: "held", reason: "tenant_paused" });
    const answer = resendAnswer([outcome!]);
    expect(answer.message).not.toMatch(/on its way/);
    expect(answer.message).toMatch(/held/i);
    expect(answer.message).toMatch(/Send health/);
    expect(await mailsOf(hana.id)).toEqual([{ status: "queued", to: hana.email }]);
  });

  it("a stored typo is not sent to: the suggestion comes back, and a checked address goes", async () => {
    const { ctx, invited } = await school();
    const kenji = await invited("kenji.w", "kenji@gmial.com");
    const [outcome] = await resendInvitations(ctx, [kenji.id]);
    expect(outcome).toMatchObject({ kind: "blocked", suggestion: "kenji@gmail.com" });
    expect(outcome!.text).toMatch(/Did you mean kenji@gmail.com/);
    expect(await mailsOf(kenji.id)).toEqual([]);
    const [insisted] = await resendInvitations(ctx, [kenji.id], { addressChecked: true });
    expect(insisted).toMatchObject({ kind: "sent" });
  });

  it("an address the admin confirmed stays confirmed: later resends and reset links go, a new address is checked afresh", async () => {
    const { ctx } = await school();
    const loginId = `aiko.${randomBytes(2).toString("hex")}`;
    // Added with "This address exists" ticked for a likely typo.
    const created = await createMember(ctx, {
      loginId,
      name: "Aiko",
      email: "aiko@gmial.com",
      addressExists: "on",
    });
    const [again] = await resendInvitations(ctx, [created.id]);
    expect(again).toMatchObject({ kind: "sent" });

    // The same story for an address confirmed on a resend: the bulk resend after it goes too.
    const kenji = await makeUser({
      tenantId: ctx.tenant.id,
      email: "kenji@gmial.com",
      emailStatus: "unchecked",
      loginId: `kenji.${randomBytes(2).toString("hex")}`,
      status: "invited",
      passwordHash: null,
    });
    expect((await resendInvitations(ctx, [kenji.id]))[0]).toMatchObject({ kind: "blocked" });
    expect((await resendInvitations(ctx, [kenji.id], { addressChecked: true }))[0]).toMatchObject({
      kind: "sent",
    });
    expect((await resendInvitations(ctx, [kenji.id, created.id])).map((o) => o.kind)).toEqual([
      "sent",
      "sent",
    ]);

    // A member who has started: the admin confirms the stored address once, then reset links go.
    const ren = await makeUser({
      tenantId: ctx.tenant.id,
      email: "ren@gmial.com",
      emailStatus: "unchecked",
      loginId: `ren.${randomBytes(2).toString("hex")}`,
    });
    await expect(adminSendReset(ctx, ren.loginId)).rejects.toThrow(/Did you mean ren@gmail.com/);
    await updateMember(ctx, {
      id: ren.id,
      name: "Ren",
      email: "ren@gmial.com",
      addressExists: "on",
    });
    expect((await adminSendReset(ctx, ren.loginId)).sentTo).toBe("ren@gmial.com");

    // A changed address is not covered by the old confirmation.
    await updateMember(ctx, {
      id: created.id,
      name: "Aiko",
      email: "aiko@gmial.com",
      addressExists: undefined,
    });
    expect((await resendInvitations(ctx, [created.id]))[0]).toMatchObject({ kind: "sent" });
    await expect(
      updateMember(ctx, {
        id: created.id,
        name: "Aiko",
        email: "aiko2@gmial.com",
        addressExists: undefined,
      }),
    ).rejects.toThrow(/Did you mean aiko2@gmail.com/);
    await updateMember(ctx, {
      id: created.id,
      name: "Aiko",
      email: "aiko2@gmial.com",
      addressExists: "on",
    });
    await db.update(users).set({ email: "aiko3@gmial.com" }).where(eq(users.id, created.id));
    expect((await resendInvitations(ctx, [created.id]))[0]).toMatchObject({
      kind: "blocked",
      suggestion: "aiko3@gmail.com",
    });
  });

  it("an admin's reset link runs the same address check", async () => {
    const { ctx } = await school();
    const kenji = await makeUser({
      tenantId: ctx.tenant.id,
      email: "kenji@gmial.com",
      emailStatus: "unchecked",
      loginId: `kenji.${randomBytes(2).toString("hex")}`,
    });
    await expect(adminSendReset(ctx, kenji.loginId)).rejects.toThrow(
      /Did you mean kenji@gmail.com/,
    );
    expect(await mailsOf(kenji.id)).toEqual([]);
  });

  it("a stored typo is marked in the member table, and the one-click fix applies it and re-invites", async () => {
    const { tenant, ctx, invited } = await school();
    const kenji = await invited("kenji.w", "kenji@gmial.com");
    const { rows } = await listMembers(tenant.id, parseMemberQuery({ q: "kenji" }));
    expect(rows[0]!.addressWarning).toMatchObject({
      code: "typo_suggestion",
      suggestion: "kenji@gmail.com",
    });
    const fixed = await applyAddressSuggestion(ctx, kenji.id);
    expect(fixed.address).toBe("kenji@gmail.com");
    expect(fixed.invitation).toBe("A new invitation is on its way to kenji@gmail.com.");
    expect(await mailsOf(kenji.id)).toEqual([{ status: "queued", to: "kenji@gmail.com" }]);
    const after = await listMembers(tenant.id, parseMemberQuery({ q: "kenji" }));
    expect(after.rows[0]!.addressWarning).toBeNull();
  });
});
