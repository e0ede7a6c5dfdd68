import { randomBytes } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { DomainChecker, setDefaultDomainChecker } from "@/lib/address/domain-verdict";
import { OfflineResolver } from "@/lib/mail/offline-dns";
import { db } from "@/db/client";
import { memberTokens, outboundEmails, users } from "@/db/schema";
import { attemptLogin } from "@/lib/auth/login";
import { adminContext, makeTenant, makeUser } from "@/test/factories";
import { adminTemporaryPassword, requestPasswordReset, resetWithToken } from "./password-reset";

// Resends and resets check the stored address, DNS included: offline, example.com exists.
beforeAll(() => {
  setDefaultDomainChecker(new DomainChecker({ resolver: new OfflineResolver() }));
});

const resets = (userId: string) =>
  db
    .select({ params: outboundEmails.params, lane: outboundEmails.lane })
    .from(outboundEmails)
    .where(and(eq(outboundEmails.memberId, userId), eq(outboundEmails.category, "password_reset")));

async function member(emailStatus: "unchecked" | "bounced" = "unchecked") {
  const tenant = await makeTenant();
  const loginId = `r.${randomBytes(3).toString("hex")}`;
  const user = await makeUser({
    tenantId: tenant.id,
    loginId,
    email: `${loginId}@example.com`,
    emailStatus,
  });
  return { tenant, user, loginId };
}

describe("requestPasswordReset", () => {
  it("queues a transactional reset mail for a deliverable member, by login ID or address", async () => {
    const { tenant, user, loginId } = await member();
    await requestPasswordReset({
      tenantId: tenant.id,
      identifier: loginId.toUpperCase(),
      ip: "10.1.1.1",
    });
    await requestPasswordReset({
      tenantId: tenant.id,
      identifier: ` ${loginId}@EXAMPLE.com `,
      ip: "10.1.1.1",
    });
    const mails = await resets(user.id);
    expect(mails).toHaveLength(2);
    expect(mails.every((m) => m.lane === "transactional")).toBe(true);
    // Only the newest link works.
    const open = await db
      .select()
      .from(memberTokens)
      .where(and(eq(memberTokens.userId, user.id), eq(memberTokens.kind, "password_reset")));
    expect(open.filter((t) => t.usedAt === null)).toHaveLength(1);
  });

  it("sends nothing for an unknown ID or an address that bounced, and says nothing about it", async () => {
    const { tenant, user, loginId } = await member("bounced");
    await expect(
      requestPasswordReset({ tenantId: tenant.id, identifier: loginId, ip: "10.1.1.2" }),
    ).resolves.toBeUndefined();
    await expect(
      requestPasswordReset({ tenantId: tenant.id, identifier: "nobody.here", ip: "10.1.1.2" }),
    ).resolves.toBeUndefined();
    expect(await resets(user.id)).toHaveLength(0);
  });

  it("stops after five requests for one identifier in 15 minutes", async () => {
    const { tenant, user, loginId } = await member();
    for (let i = 0; i < 8; i++)
      await requestPasswordReset({ tenantId: tenant.id, identifier: loginId, ip: "10.1.1.3" });
    expect(await resets(user.id)).toHaveLength(5);
  });
});

describe("resetWithToken", () => {
  it("sets the password once and ends the member's sessions", async () => {
    const { tenant, user, loginId } = await member();
    await requestPasswordReset({ tenantId: tenant.id, identifier: loginId, ip: "10.1.1.4" });
    const token = ((await resets(user.id))[0]!.params as { token: string }).token;
    await resetWithToken(tenant.id, token, "a-fresh-private-passphrase");
    const [after] = await db.select().from(users).where(eq(users.id, user.id));
    expect(after!.sessionVersion).toBe(user.sessionVersion + 1);
    await expect(resetWithToken(tenant.id, token, "another-private-passphrase")).rejects.toThrow(
      /expired or was already used/,
    );
    const login = await attemptLogin({
      scope: { kind: "tenant", tenantId: tenant.id },
      loginId,
      password: "a-fresh-private-passphrase",
      ip: "10.1.1.4",
    });
    expect(login.ok).toBe(true);
  });
});

describe("adminTemporaryPassword", () => {
  it("replaces the password, marks it to be changed and ends the member's sessions", async () => {
    const { tenant, user, loginId } = await member();
    const ctx = await adminContext(tenant);
    const { password } = await adminTemporaryPassword(ctx, loginId);
    const [after] = await db.select().from(users).where(eq(users.id, user.id));
    expect(after).toMatchObject({
      mustChangePassword: true,
      sessionVersion: user.sessionVersion + 1,
    });
    const login = await attemptLogin({
      scope: { kind: "tenant", tenantId: tenant.id },
      loginId,
      password,
      ip: "10.1.1.5",
    });
    expect(login.ok).toBe(true);
    await expect(adminTemporaryPassword(ctx, ctx.actor.loginId)).rejects.toThrow(/your own page/);
  });
});
