import { randomBytes } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "@/db/client";
import { auditLog, loginCodes, outboundEmails, tenants } from "@/db/schema";
import { adminContext, makeTenant, makeUser } from "@/test/factories";
import { attemptLogin, completeLoginWithCode } from "./login";
import { challengeView, issueBypassCode, resendCode } from "./login-codes";

async function tenantWithCodes(settings: { loginCodes?: boolean; loginCodesForAdmins?: boolean }) {
  const tenant = await makeTenant("Code School");
  await db.update(tenants).set({ settings }).where(eq(tenants.id, tenant.id));
  return tenant;
}

const login = (tenantId: string, loginId: string) =>
  attemptLogin({
    scope: { kind: "tenant", tenantId },
    loginId,
    password: "correct horse battery",
    ip: `10.9.${randomBytes(1)[0]}.${randomBytes(1)[0]}`,
  });

async function codeOf(challengeId: string) {
  const [row] = await db.execute<{ code: string; lane: string; category: string }>(sql`
    select o.params->>'code' as code, o.lane, o.category from login_codes c
      join outbound_emails o on o.id = c.mail_id where c.id = ${challengeId}`);
  return row!;
}

describe("login codes", () => {
  it("after a correct password a code goes by the transactional lane; the right code opens the session", async () => {
    const tenant = await tenantWithCodes({ loginCodes: true });
    const member = await makeUser({
      tenantId: tenant.id,
      email: `c.${randomBytes(3).toString("hex")}@example.com`,
      emailStatus: "ok",
    });
    const first = await login(tenant.id, member.loginId);
    expect(first).toMatchObject({ ok: false, reason: "code_required" });
    const challenge = (first as { challengeId: string }).challengeId;
    const mail = await codeOf(challenge);
    expect(mail).toMatchObject({ lane: "transactional", category: "login_code" });
    expect(mail.code).toMatch(/^\d{6}$/);
    const view = await challengeView(tenant.id, challenge);
    expect(view).toMatchObject({ state: "pending", undeliverable: null, triesLeft: 5 });

    // Another tenant's page knows nothing of it.
    const other = await makeTenant();
    expect(
      await completeLoginWithCode({ tenantId: other.id, challengeId: challenge, code: mail.code }),
    ).toMatchObject({ ok: false });

    const wrong = mail.code === "000000" ? "111111" : "000000";
    expect(
      await completeLoginWithCode({ tenantId: tenant.id, challengeId: challenge, code: wrong }),
    ).toMatchObject({
      ok: false,
      message: "That code is not right. 4 tries left.",
    });
    const done = await completeLoginWithCode({
      tenantId: tenant.id,
      challengeId: challenge,
      code: mail.code,
    });
    expect(done).toMatchObject({ ok: true, claim: { uid: member.id } });
    // Used once.
    expect(
      await completeLoginWithCode({ tenantId: tenant.id, challengeId: challenge, code: mail.code }),
    ).toMatchObject({ ok: false });
  });

  it("five wrong codes end the pending sign-in; a resend waits for its cool-down; expiry ends it", async () => {
    const tenant = await tenantWithCodes({ loginCodes: true });
    const member = await makeUser({
      tenantId: tenant.id,
      email: `w.${randomBytes(3).toString("hex")}@example.com`,
      emailStatus: "ok",
    });
    const challenge = ((await login(tenant.id, member.loginId)) as { challengeId: string })
      .challengeId;
    const { code } = await codeOf(challenge);
    await expect(resendCode(tenant.id, challenge)).rejects.toThrow(/Wait \d+ seconds/);
    await db
      .update(loginCodes)
      .set({ sentAt: new Date(Date.now() - 61_000) })
      .where(eq(loginCodes.id, challenge));
    expect(await resendCode(tenant.id, challenge)).toMatch(/A new code is on its way/);
    const resent = await codeOf(challenge);
    const mails = await db
      .select({ status: outboundEmails.status })
      .from(outboundEmails)
      .where(eq(outboundEmails.memberId, member.id));
    expect(mails.map((m) => m.status).sort()).toEqual(["cancelled", "queued"]);
    const wrong = resent.code === "999999" ? "888888" : "999999";
    for (let i = 0; i < 4; i++)
      await completeLoginWithCode({ tenantId: tenant.id, challengeId: challenge, code: wrong });
    expect(
      await completeLoginWithCode({ tenantId: tenant.id, challengeId: challenge, code: wrong }),
    ).toMatchObject({
      ok: false,
      message: expect.stringMatching(/Too many wrong codes/),
    });
    expect(
      await completeLoginWithCode({
        tenantId: tenant.id,
        challengeId: challenge,
        code: resent.code,
      }),
    ).toMatchObject({ ok: false });
    void code;

    const later = ((await login(tenant.id, member.loginId)) as { challengeId: string }).challengeId;
    const laterCode = (await codeOf(later)).code;
    const past = new Date(Date.now() + 11 * 60_000);
    expect(
      await completeLoginWithCode({
        tenantId: tenant.id,
        challengeId: later,
        code: laterCode,
        now: past,
      }),
    ).toMatchObject({
      ok: false,
      message: expect.stringMatching(/expired/),
    });
  });

  it("says at once when the code cannot reach them; the admin's bypass code works once, audited", async () => {
    const tenant = await tenantWithCodes({ loginCodesForAdmins: true });
    const admin = await adminContext(tenant);
    // The tenant's learners sign in without a code; its admins need one (the operator's setting).
    const learner = await makeUser({ tenantId: tenant.id });
    expect(await login(tenant.id, learner.loginId)).toMatchObject({ ok: true });
    const other = await makeUser({ tenantId: tenant.id, role: "admin", email: null });
    const challenge = ((await login(tenant.id, other.loginId)) as { challengeId: string })
      .challengeId;
    expect(await challengeView(tenant.id, challenge)).toMatchObject({
      state: "pending",
      undeliverable: "no_address",
    });

    const suppressed = await makeUser({
      tenantId: tenant.id,
      role: "admin",
      email: `s.${randomBytes(3).toString("hex")}@example.com`,
      emailStatus: "bounced",
    });
    const second = ((await login(tenant.id, suppressed.loginId)) as { challengeId: string })
      .challengeId;
    expect(await challengeView(tenant.id, second)).toMatchObject({ undeliverable: "suppressed" });

    const issued = await issueBypassCode(admin, other.id);
    expect(issued.code).toMatch(/^[A-Z2-9]{5}-[A-Z2-9]{5}$/);
    expect(issued.expiresAt.getTime() - Date.now()).toBeGreaterThan(23.9 * 3_600_000);
    const done = await completeLoginWithCode({
      tenantId: tenant.id,
      challengeId: challenge,
      code: issued.code.toLowerCase(),
    });
    expect(done).toMatchObject({ ok: true, claim: { uid: other.id } });
    const again = ((await login(tenant.id, other.loginId)) as { challengeId: string }).challengeId;
    expect(
      await completeLoginWithCode({ tenantId: tenant.id, challengeId: again, code: issued.code }),
    ).toMatchObject({ ok: false });
    const audit = await db
      .select({ action: auditLog.action })
      .from(auditLog)
      .where(eq(auditLog.subjectId, other.id));
    expect(audit.map((a) => a.action).sort()).toEqual(["login.bypass_issued", "login.bypass_used"]);
    // Another tenant's admin cannot issue one for this member.
    const stranger = await adminContext(await makeTenant());
    await expect(issueBypassCode(stranger, other.id)).rejects.toThrow(/does not exist/);
  });
});
