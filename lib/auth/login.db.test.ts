import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "@/db/client";
import { loginAttempts, userSessions } from "@/db/schema";
import { makeTenant, makeUser } from "@/test/factories";
import { attemptLogin } from "./login";

const MIN = 60_000;

describe("attemptLogin", () => {
  it("opens a session for the right password and records the attempt", async () => {
    const tenant = await makeTenant();
    const user = await makeUser({ tenantId: tenant.id, loginId: "Hanako.S" });
    const outcome = await attemptLogin({
      scope: { kind: "tenant", tenantId: tenant.id },
      loginId: "  hanako.s ",
      password: user.password,
      ip: "10.0.0.1",
    });
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.claim).toMatchObject({ uid: user.id, role: "learner", tid: tenant.id, sv: 1 });
    const [session] = await db
      .select()
      .from(userSessions)
      .where(eq(userSessions.id, outcome.claim.sid));
    expect(session?.userId).toBe(user.id);
    expect(session?.revokedAt).toBeNull();
  });

  it("refuses a wrong password, an unknown login ID and an account never activated alike", async () => {
    const tenant = await makeTenant();
    const scope = { kind: "tenant", tenantId: tenant.id } as const;
    const user = await makeUser({ tenantId: tenant.id });
    const invited = await makeUser({ tenantId: tenant.id, status: "invited", passwordHash: null });
    for (const attempt of [
      { loginId: user.loginId, password: "wrong password!" },
      { loginId: "nobody.here", password: user.password },
      { loginId: invited.loginId, password: "" },
    ]) {
      expect(await attemptLogin({ scope, ...attempt, ip: "10.0.0.2" })).toEqual({
        ok: false,
        reason: "invalid",
      });
    }
  });

  it("tells a disabled member so only when the password is right", async () => {
    const tenant = await makeTenant();
    const scope = { kind: "tenant", tenantId: tenant.id } as const;
    const user = await makeUser({ tenantId: tenant.id, status: "disabled" });
    expect(
      await attemptLogin({ scope, loginId: user.loginId, password: "nope-nope", ip: "10.0.0.3" }),
    ).toEqual({
      ok: false,
      reason: "invalid",
    });
    expect(
      await attemptLogin({ scope, loginId: user.loginId, password: user.password, ip: "10.0.0.3" }),
    ).toEqual({
      ok: false,
      reason: "disabled",
    });
  });

  it("keeps tenants apart: the same login ID in another tenant is another person", async () => {
    const a = await makeTenant("A");
    const b = await makeTenant("B");
    const inA = await makeUser({
      tenantId: a.id,
      loginId: "same.login",
      password: "password-of-a",
    });
    await makeUser({ tenantId: b.id, loginId: "same.login", password: "password-of-b" });
    const intoB = await attemptLogin({
      scope: { kind: "tenant", tenantId: b.id },
      loginId: "same.login",
      password: inA.password,
      ip: "10.0.0.4",
    });
    expect(intoB).toEqual({ ok: false, reason: "invalid" });
    const asOperator = await attemptLogin({
      scope: { kind: "operator" },
      loginId: "same.login",
      password: inA.password,
      ip: "10.0.0.4",
    });
    expect(asOperator).toEqual({ ok: false, reason: "invalid" });
  });

  it("refuses the sixth attempt after five failures, even with the right password, for 15 minutes", async () => {
    const tenant = await makeTenant();
    const scope = { kind: "tenant", tenantId: tenant.id } as const;
    const user = await makeUser({ tenantId: tenant.id });
    const t0 = new Date("2026-11-27T10:00:00Z");
    for (let i = 0; i < 5; i++) {
      const failed = await attemptLogin({
        scope,
        loginId: user.loginId,
        password: `wrong-${i}`,
        ip: "10.0.1.1",
        now: new Date(t0.getTime() + i * MIN),
      });
      expect(failed).toEqual({ ok: false, reason: "invalid" });
    }
    const sixth = await attemptLogin({
      scope,
      loginId: user.loginId,
      password: user.password,
      ip: "10.0.1.2",
      now: new Date(t0.getTime() + 5 * MIN),
    });
    expect(sixth).toEqual({ ok: false, reason: "locked", retryAfterMinutes: 14 });
    const refusedAttempts = await db
      .select()
      .from(loginAttempts)
      .where(eq(loginAttempts.ip, "10.0.1.2"));
    expect(refusedAttempts).toHaveLength(0);

    const later = await attemptLogin({
      scope,
      loginId: user.loginId.toUpperCase(),
      password: user.password,
      ip: "10.0.1.2",
      now: new Date(t0.getTime() + 19 * MIN),
    });
    expect(later.ok).toBe(true);
  });

  it("locks unknown login IDs too, so probing for names gains nothing", async () => {
    const tenant = await makeTenant();
    const scope = { kind: "tenant", tenantId: tenant.id } as const;
    const t0 = new Date("2026-11-27T11:00:00Z");
    for (let i = 0; i < 5; i++) {
      await attemptLogin({ scope, loginId: "ghost.user", password: "x", ip: "10.0.2.1", now: t0 });
    }
    const next = await attemptLogin({
      scope,
      loginId: "ghost.user",
      password: "x",
      ip: "10.0.2.1",
      now: t0,
    });
    expect(next).toMatchObject({ ok: false, reason: "locked" });
  });

  it("refuses an IP after 30 failures across login IDs", async () => {
    const tenant = await makeTenant();
    const scope = { kind: "tenant", tenantId: tenant.id } as const;
    const user = await makeUser({ tenantId: tenant.id });
    const t0 = new Date("2026-11-27T12:00:00Z");
    for (let i = 0; i < 30; i++) {
      await attemptLogin({
        scope,
        loginId: `spray.${i}xx`,
        password: "x",
        ip: "10.0.3.1",
        now: t0,
      });
    }
    const fromSameIp = await attemptLogin({
      scope,
      loginId: user.loginId,
      password: user.password,
      ip: "10.0.3.1",
      now: t0,
    });
    expect(fromSameIp).toMatchObject({ ok: false, reason: "locked", retryAfterMinutes: 15 });
    const fromElsewhere = await attemptLogin({
      scope,
      loginId: user.loginId,
      password: user.password,
      ip: "10.0.3.2",
      now: t0,
    });
    expect(fromElsewhere.ok).toBe(true);
  });

  it("serialises parallel guesses so no more than five failures get through", async () => {
    const tenant = await makeTenant();
    const scope = { kind: "tenant", tenantId: tenant.id } as const;
    const user = await makeUser({ tenantId: tenant.id });
    const now = new Date("2026-11-27T13:00:00Z");
    const outcomes = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        attemptLogin({ scope, loginId: user.loginId, password: `guess-${i}`, ip: "10.0.4.1", now }),
      ),
    );
    expect(outcomes.filter((o) => !o.ok && o.reason === "invalid")).toHaveLength(5);
    expect(outcomes.filter((o) => !o.ok && o.reason === "locked")).toHaveLength(7);
  });

  it("does not hash absurdly long passwords", async () => {
    const tenant = await makeTenant();
    const user = await makeUser({ tenantId: tenant.id });
    const outcome = await attemptLogin({
      scope: { kind: "tenant", tenantId: tenant.id },
      loginId: user.loginId,
      password: user.password + "x".repeat(1_000_000),
      ip: "10.0.5.1",
    });
    expect(outcome).toEqual({ ok: false, reason: "invalid" });
  });
});
