import { randomBytes } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/db/client";
import { auditLog, memberTokens, outboundEmails, users } from "@/db/schema";
import { DomainChecker, setDefaultDomainChecker } from "@/lib/address/domain-verdict";
import { attemptLogin } from "@/lib/auth/login";
import { UserError } from "@/lib/errors";
import { OfflineResolver } from "@/lib/mail/offline-dns";
import { adminContext, makeTenant } from "@/test/factories";
import { activateWithCode, activateWithLink, invitationLoginId } from "./activation";
import { createMember, findMember, updateMember } from "./members";
import { giveWayIn } from "./way-in";
import { hashSecret } from "./secrets";

beforeAll(() =>
  setDefaultDomainChecker(
    new DomainChecker({ resolver: new OfflineResolver(["dead-domain.com"]) }),
  ),
);

async function adminOf() {
  return adminContext(await makeTenant("Members School"));
}

/** The token of the invitation just queued, read from the outbox as the dispatcher would. */
async function invitationToken(userId: string): Promise<string> {
  const [mail] = await db
    .select({ params: outboundEmails.params })
    .from(outboundEmails)
    .where(and(eq(outboundEmails.memberId, userId), eq(outboundEmails.category, "invitation")))
    .orderBy(outboundEmails.id);
  return (mail!.params as { token: string }).token;
}

const id = () => `m.${randomBytes(3).toString("hex")}`;

/** A new member with an address, and the token of the invitation queued for them. */
async function invitedMember(ctx: Awaited<ReturnType<typeof adminOf>>) {
  const loginId = id();
  const created = await createMember(ctx, {
    loginId,
    name: "",
    email: `${loginId}@example.com`,
    addressExists: undefined,
  });
  return { loginId, created, token: await invitationToken(created.id) };
}

describe("createMember", () => {
  it("stores the member and queues the invitation in one transaction, the token only hashed", async () => {
    const ctx = await adminOf();
    const loginId = id();
    const created = await createMember(ctx, {
      loginId,
      name: "Hanako",
      email: `  ${loginId}@Example.COM `,
      addressExists: undefined,
    });
    expect(created).toMatchObject({
      loginId,
      invitedAddress: `${loginId}@example.com`,
      activationCode: null,
    });
    const [member] = await db.select().from(users).where(eq(users.id, created.id));
    expect(member).toMatchObject({
      status: "invited",
      emailStatus: "unchecked",
      passwordHash: null,
      role: "learner",
    });
    const token = await invitationToken(created.id);
    const [stored] = await db
      .select()
      .from(memberTokens)
      .where(eq(memberTokens.userId, created.id));
    expect(stored!.tokenHash).toBe(hashSecret(token));
    expect(stored!.tokenHash).not.toContain(token);
  });

  it("gives a member without an address an activation code instead, and queues no mail", async () => {
    const ctx = await adminOf();
    const created = await createMember(ctx, {
      loginId: id(),
      name: "Taro",
      email: null,
      addressExists: undefined,
    });
    expect(created.activationCode).toMatch(/^[A-Z2-9]{5}-[A-Z2-9]{5}$/);
    expect(
      await db.select().from(outboundEmails).where(eq(outboundEmails.memberId, created.id)),
    ).toHaveLength(0);
  });

  it("refuses a taken login ID, a typo and a missing domain, each with its reason, storing nothing", async () => {
    const ctx = await adminOf();
    const loginId = id();
    await createMember(ctx, { loginId, name: "", email: null, addressExists: undefined });
    const attempt = (input: Partial<Parameters<typeof createMember>[1]>) =>
      createMember(ctx, {
        loginId: id(),
        name: "",
        email: null,
        addressExists: undefined,
        ...input,
      }).catch((e: unknown) => e);
    const taken = await attempt({ loginId: loginId.toUpperCase() });
    expect(taken).toBeInstanceOf(UserError);
    expect(taken).toMatchObject({ field: "loginId" });
    const typo = await attempt({ email: "someone@gmial.com" });
    expect(typo).toMatchObject({ field: "email", suggestion: "someone@gmail.com" });
    const dead = await attempt({ email: "someone@dead-domain.com" });
    expect((dead as Error).message).toMatch(/does not exist/);
    const before = await db.select().from(users).where(eq(users.tenantId, ctx.tenant.id));
    expect(before).toHaveLength(2); // the admin and the first member
  });

  it("keeps a throwaway or shared address and says so, in the import's words", async () => {
    const ctx = await adminOf();
    const throwaway = await createMember(ctx, {
      loginId: id(),
      name: "",
      email: "someone@mailinator.com",
      addressExists: undefined,
    });
    expect(throwaway.invitedAddress).toBe("someone@mailinator.com");
    expect(throwaway.addressWarnings).toEqual([expect.stringMatching(/is a throwaway address/)]);
    const shared = await createMember(ctx, {
      loginId: id(),
      name: "",
      email: "info@example.com",
      addressExists: undefined,
    });
    expect(shared.addressWarnings).toEqual([expect.stringMatching(/is a shared address/)]);
    const plain = await invitedMember(ctx);
    expect(plain.created.addressWarnings).toEqual([]);
  });

  it("lets the admin insist an address exists, and records that", async () => {
    const ctx = await adminOf();
    const created = await createMember(ctx, {
      loginId: id(),
      name: "",
      email: "someone@dead-domain.com",
      addressExists: "on",
    });
    const [entry] = await db.select().from(auditLog).where(eq(auditLog.subjectId, created.id));
    expect(entry!.detail).toMatchObject({ addressInsisted: true });
  });
});

describe("activation", () => {
  it("sets the password once through the link, and the member can sign in", async () => {
    const ctx = await adminOf();
    const { loginId, created, token } = await invitedMember(ctx);
    // The page shows whose link it is, so the learner need not look for their login ID.
    expect(await invitationLoginId(ctx.tenant.id, token)).toBe(loginId);
    await activateWithLink(ctx.tenant.id, token, "a-long-private-passphrase");
    const [member] = await db.select().from(users).where(eq(users.id, created.id));
    expect(member).toMatchObject({ status: "active", emailStatus: "ok" });
    await expect(activateWithLink(ctx.tenant.id, token, "another-long-passphrase")).rejects.toThrow(
      /expired or was already used/,
    );
    const login = await attemptLogin({
      scope: { kind: "tenant", tenantId: ctx.tenant.id },
      loginId,
      password: "a-long-private-passphrase",
      ip: "10.9.9.9",
    });
    expect(login.ok).toBe(true);
  });

  it("makes the old link invalid when the invitation is sent again", async () => {
    const ctx = await adminOf();
    const { loginId, created, token: first } = await invitedMember(ctx);
    await db.transaction((tx) =>
      giveWayIn(tx, {
        tenantId: ctx.tenant.id,
        userId: created.id,
        loginId,
        name: "",
        email: `${loginId}@example.com`,
      }),
    );
    expect(await invitationLoginId(ctx.tenant.id, first)).toBeNull();
    await expect(
      activateWithLink(ctx.tenant.id, first, "a-long-private-passphrase"),
    ).rejects.toThrow(UserError);
    // The first mail, still waiting, is cancelled: only the new link goes out.
    const mails = await db
      .select({ status: outboundEmails.status, reason: outboundEmails.reason })
      .from(outboundEmails)
      .where(eq(outboundEmails.memberId, created.id))
      .orderBy(outboundEmails.id);
    expect(mails).toEqual([
      { status: "cancelled", reason: "superseded" },
      { status: "queued", reason: null },
    ]);
  });

  it("refuses a link from another tenant and an expired one", async () => {
    const ctx = await adminOf();
    const other = await adminOf();
    const { created, token } = await invitedMember(ctx);
    await expect(
      activateWithLink(other.tenant.id, token, "a-long-private-passphrase"),
    ).rejects.toThrow(UserError);
    await db
      .update(memberTokens)
      .set({ expiresAt: new Date(Date.now() - 1) })
      .where(eq(memberTokens.userId, created.id));
    await expect(
      activateWithLink(ctx.tenant.id, token, "a-long-private-passphrase"),
    ).rejects.toThrow(UserError);
  });

  it("locks activation codes after five wrong tries, like sign-in", async () => {
    const ctx = await adminOf();
    const loginId = id();
    const created = await createMember(ctx, {
      loginId,
      name: "",
      email: null,
      addressExists: undefined,
    });
    const wrong = () =>
      activateWithCode({
        tenantId: ctx.tenant.id,
        loginId,
        code: "AAAAA-BBBBB",
        password: "a-long-private-passphrase",
        ip: "10.8.8.8",
      });
    for (let i = 0; i < 5; i++) await expect(wrong()).rejects.toThrow(/do not match/);
    await expect(
      activateWithCode({
        tenantId: ctx.tenant.id,
        loginId,
        code: created.activationCode!,
        password: "a-long-private-passphrase",
        ip: "10.8.8.8",
      }),
    ).rejects.toThrow(/Too many wrong codes/);
  });

  it("accepts the code typed loosely, once", async () => {
    const ctx = await adminOf();
    const loginId = id();
    const created = await createMember(ctx, {
      loginId,
      name: "",
      email: null,
      addressExists: undefined,
    });
    const typed = created.activationCode!.toLowerCase().replace("-", " ");
    await activateWithCode({
      tenantId: ctx.tenant.id,
      loginId,
      code: typed,
      password: "a-long-private-passphrase",
      ip: "10.7.7.7",
    });
    await expect(
      activateWithCode({
        tenantId: ctx.tenant.id,
        loginId,
        code: typed,
        password: "a-long-private-passphrase",
        ip: "10.7.7.7",
      }),
    ).rejects.toThrow(/do not match/);
  });
});

describe("updateMember", () => {
  it("re-invites an invited member at a changed address, and refuses another tenant's member", async () => {
    const ctx = await adminOf();
    const { loginId, created, token: first } = await invitedMember(ctx);
    const result = await updateMember(ctx, {
      id: created.id,
      name: "Renamed",
      email: `${loginId}@example.org`,
      addressExists: undefined,
    });
    expect(result.invitedAddress).toBe(`${loginId}@example.org`);
    expect(await invitationLoginId(ctx.tenant.id, first)).toBeNull();
    const [after] = await db.select().from(users).where(eq(users.id, created.id));
    expect(after).toMatchObject({
      name: "Renamed",
      email: `${loginId}@example.org`,
      emailStatus: "unchecked",
    });

    const other = await adminOf();
    await expect(
      updateMember(other, {
        id: created.id,
        name: "Hijack",
        email: null,
        addressExists: undefined,
      }),
    ).rejects.toThrow("This member no longer exists.");
    expect(await findMember(other.tenant.id, created.id)).toBeNull();
  });
});
