import { randomBytes, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import {
  ACTION_BODY_LIMIT_BYTES,
  BODY_LENGTH_REQUIRED,
  BODY_TOO_LARGE,
} from "../lib/security/body-limit";
import { NOT_A_FORM_MESSAGE } from "../lib/web/action-result";
import { E2E_SERVER_LOG } from "../scripts/lib/e2e-log";
import { DEMO_PASSWORD, followNav, LoginPage, signIn, withDb } from "./support";

/**
 * Issue 15, item 5, checked from outside against the app's server (`npm start`): the headers every
 * page carries, a CSP that breaks no page, the session cookie's flags, a server action posted from
 * another origin, and the sign-in limits on the endpoint an attacker would call directly.
 */

const base = () => test.info().project.use.baseURL!;

/** Collects the browser's CSP violations (the listener is installed before any page script). */
async function watchCsp(page: Page): Promise<() => Promise<string[]>> {
  const console: string[] = [];
  page.on("console", (m) => {
    if (/Content Security Policy/i.test(m.text())) console.push(m.text());
  });
  await page.addInitScript(() => {
    const w = window as unknown as { __csp: string[] };
    w.__csp = [];
    document.addEventListener("securitypolicyviolation", (e) =>
      w.__csp.push(`${e.violatedDirective} ${e.blockedURI}`),
    );
  });
  return async () => [
    ...console,
    ...(await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp ?? [])),
  ];
}

/** A fresh learner of Sakura with the demo password (the hash copied from a seeded learner); Sakura, because the sign-in spec counts Northwind's members. */
async function makeLearner(): Promise<string> {
  const loginId = `sec.${randomBytes(3).toString("hex")}`;
  await withDb(
    (sql) => sql`
      insert into users (tenant_id, role, login_id, name, status, password_hash)
      select tenant_id, 'learner', ${loginId}, 'Security Probe', 'active', password_hash
      from users where login_id = 'hanako.s'`,
  );
  return loginId;
}

test.describe("headers and the Content-Security-Policy", () => {
  test("every page has a fresh nonce on its scripts and the usual headers", async ({ request }) => {
    const nonces = new Set<string>();
    for (const path of ["/", "/login", "/t/sakura/login"]) {
      for (let i = 0; i < 2; i++) {
        const res = await request.get(path);
        expect(res.status()).toBe(200);
        const headers = res.headers();
        const csp = headers["content-security-policy"] ?? "";
        const nonce = /'nonce-([A-Za-z0-9+/=]+)'/.exec(csp)?.[1];
        expect(nonce, `${path} has a nonce in its CSP`).toBeTruthy();
        expect(csp).toContain("'strict-dynamic'");
        expect(csp).toContain("frame-ancestors 'none'");
        expect(csp).toContain("object-src 'none'");
        expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
        nonces.add(nonce!);
        // Every script of the page carries this response's nonce.
        const html = await res.text();
        const scripts = html.match(/<script\b[^>]*>/g) ?? [];
        expect(scripts.length).toBeGreaterThan(0);
        for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
        expect(headers["x-content-type-options"]).toBe("nosniff");
        expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
        expect(headers["x-frame-options"]).toBe("DENY");
        expect(headers["permissions-policy"]).toContain("camera=()");
        // The e2e server is a production build (the app's server, `npm start`).
        expect(headers["strict-transport-security"]).toMatch(/max-age=\d+/);
        expect(headers["x-powered-by"]).toBeUndefined();
      }
    }
    expect(nonces.size).toBe(6);
    // API routes get the static headers too.
    const api = await request.post("/api/webhooks/ses", { data: "{}" });
    expect(api.headers()["x-content-type-options"]).toBe("nosniff");
  });

  test("no page an operator opens breaks the policy @phone", async ({ page }) => {
    // A dozen server-rendered pages in a row: three times the usual budget on two busy cores.
    test.slow();
    const violations = await watchCsp(page);
    await signIn(page, "/login", "operator");
    for (const path of [
      "/ops",
      "/ops/tenants",
      "/ops/events",
      "/ops/announcements",
      "/ops/unsent",
    ]) {
      const res = await page.goto(path);
      expect(res?.status(), path).toBe(200);
      await expect(page.getByRole("heading", { level: 1 }).first()).toBeVisible();
    }
    expect(await violations()).toEqual([]);
  });

  test("no page an admin opens breaks the policy, and client code runs @phone", async ({
    page,
  }) => {
    // A dozen server-rendered pages in a row: three times the usual budget on two busy cores.
    test.slow();
    const violations = await watchCsp(page);
    await signIn(page, "/t/sakura/login", "sakura.admin");
    const pages = [
      "/t/sakura/admin",
      "/t/sakura/admin/members",
      "/t/sakura/admin/members/new",
      "/t/sakura/admin/members/import",
      "/t/sakura/admin/members/access",
      "/t/sakura/admin/login-codes",
      "/t/sakura/admin/health",
      "/t/sakura/admin/unsent",
      "/t/sakura/admin/suppressions",
      "/t/sakura/admin/messages",
      "/t/sakura/messages",
      "/t/sakura",
    ];
    for (const path of pages) {
      // On two busy cores a navigation is now and then aborted by the browser: try it again.
      await expect(async () => {
        const res = await page.goto(path);
        expect(res?.status(), path).toBe(200);
      }).toPass({ timeout: 30_000 });
    }
    // Hydrated: the account menu (a client component) opens.
    await page.goto("/t/sakura/admin");
    const phone = await page.getByTestId("phone-menu").isVisible();
    await page.getByTestId(phone ? "phone-menu" : "user-menu").click();
    await expect(page.getByText("Sign out")).toBeVisible();
    expect(await violations()).toEqual([]);
  });
});

test.describe("session cookie", () => {
  test("is HttpOnly and SameSite=Lax, and Secure behind HTTPS", async ({ page }) => {
    await signIn(page, "/t/sakura/login", await makeLearner());
    const session = (await page.context().cookies()).find((c) =>
      /authjs\.session-token/.test(c.name),
    );
    expect(session?.httpOnly).toBe(true);
    expect(session?.sameSite).toBe("Lax");

    // Behind the TLS proxy of a real deployment (X-Forwarded-Proto: https): Secure and __Secure-.
    const loginId = await makeLearner();
    const https = { "x-forwarded-proto": "https" };
    const csrf = await fetch(`${base()}/api/auth/csrf`, { headers: https });
    const { csrfToken } = (await csrf.json()) as { csrfToken: string };
    const csrfCookies = csrf.headers.getSetCookie();
    expect(csrfCookies.join("\n")).toMatch(/__Host-authjs\.csrf-token=[^;]+;.*HttpOnly.*Secure/i);
    const res = await fetch(`${base()}/api/auth/callback/credentials`, {
      method: "POST",
      redirect: "manual",
      headers: {
        ...https,
        "content-type": "application/x-www-form-urlencoded",
        cookie: csrfCookies.map((c) => c.split(";")[0]).join("; "),
      },
      body: new URLSearchParams({
        csrfToken,
        scope: "sakura",
        loginId,
        password: DEMO_PASSWORD,
      }),
    });
    const cookie = res.headers.getSetCookie().find((c) => c.includes("session-token"));
    expect(cookie).toMatch(/^__Secure-authjs\.session-token=/);
    expect(cookie).toMatch(/;\s*HttpOnly/i);
    expect(cookie).toMatch(/;\s*Secure/i);
    expect(cookie).toMatch(/;\s*SameSite=Lax/i);
  });
});

/** The sign-in action as the browser posts it (its URL, id and body), for replaying it by hand. */
async function captureSignInAction(page: Page) {
  const loginId = await makeLearner();
  const login = new LoginPage(page);
  await login.goto("/t/sakura/login");
  const posted = page.waitForRequest((r) => r.method() === "POST" && !!r.headers()["next-action"]);
  await login.signIn(loginId, DEMO_PASSWORD);
  return posted;
}

test.describe("server actions", () => {
  test("a server action posted from another origin is refused", async ({ page }) => {
    const action = await captureSignInAction(page);
    const replay = (origin: string) =>
      fetch(action.url(), {
        method: "POST",
        redirect: "manual",
        headers: {
          accept: "text/x-component",
          "next-action": action.headers()["next-action"] ?? "",
          "content-type": action.headers()["content-type"] ?? "",
          origin,
        },
        body: new Uint8Array(action.postDataBuffer()!),
      });
    const sessionSet = (res: Response) =>
      res.headers.getSetCookie().some((c) => /authjs\.session-token=[^;]/.test(c));

    const foreign = await replay("https://evil.example");
    expect(foreign.status).toBeGreaterThanOrEqual(400);
    expect(sessionSet(foreign)).toBe(false);
    // The same request from the app's own origin signs in: the refusal above was the origin's.
    const own = await replay(new URL(base()).origin);
    expect(own.status).toBeLessThan(400);
    expect(sessionSet(own)).toBe(true);
  });
});

test.describe("a server action's body over its limit (1 MB)", () => {
  test("is refused with a sentence, never a 500", async ({ page }) => {
    const action = await captureSignInAction(page);
    const headers = {
      accept: "text/x-component",
      "next-action": action.headers()["next-action"] ?? "",
      origin: new URL(base()).origin,
    };
    const tooLarge = "x".repeat(ACTION_BODY_LIMIT_BYTES + 1);
    // The real action's id, posted by fetch as the browser would: 413 with the sentence.
    const fetched = await fetch(action.url(), {
      method: "POST",
      redirect: "manual",
      headers: { ...headers, "content-type": "text/plain;charset=UTF-8" },
      body: JSON.stringify([tooLarge]),
    });
    expect(fetched.status).toBe(413);
    expect(fetched.headers.get("content-type")).toBe("text/plain");
    expect(await fetched.text()).toBe(BODY_TOO_LARGE);
    // As a plain form (no JavaScript): multipart, the action's id among the fields.
    const form = new FormData();
    form.set(`$ACTION_ID_${headers["next-action"]}`, "");
    form.set("loginId", tooLarge);
    const formPost = await fetch(action.url(), {
      method: "POST",
      redirect: "manual",
      headers: { origin: headers.origin },
      body: form,
    });
    expect(formPost.status).toBe(413);
    expect(await formPost.text()).toBe(BODY_TOO_LARGE);
    // Streamed, of unstated length: refused before it is read.
    const streamed = await fetch(action.url(), {
      method: "POST",
      headers: { ...headers, "content-type": "text/plain;charset=UTF-8" },
      body: new Blob([tooLarge]).stream(),
      duplex: "half",
    } as RequestInit);
    expect(streamed.status).toBe(411);
    expect(await streamed.text()).toBe(BODY_LENGTH_REQUIRED);
    // The browser's own post (well under the limit) still reaches the action and signs in.
    const own = await fetch(action.url(), {
      method: "POST",
      redirect: "manual",
      headers: { ...headers, "content-type": action.headers()["content-type"] ?? "" },
      body: new Uint8Array(action.postDataBuffer()!),
    });
    expect(own.status).toBeLessThan(400);
  });

  test("an admin who pastes over 1 MB into a message is told so, and nothing is sent", async ({
    page,
  }) => {
    test.setTimeout(120_000);
    const loginId = await makeLearner();
    const [learner] = await withDb(
      (sql) => sql<{ id: string }[]>`select id from users where login_id = ${loginId}`,
    );
    const subject = `Too large ${randomBytes(3).toString("hex")}`;
    await signIn(page, "/t/sakura/login", "sakura.admin");
    await page.goto(`/t/sakura/admin/messages/new?audience=selected&ids=${learner!.id}`);
    await page.getByLabel("Subject").fill(subject);
    // 1.1 million characters: far over the 20,000 a message may have, and over the 1 MB a post may.
    await page
      .getByRole("textbox", { name: "Message" })
      .fill("A long paste. ".repeat(80_000).slice(0, 1_100_000));
    await page.getByRole("button", { name: "Send to 1 member" }).click();
    await expect(page.getByRole("heading", { name: "That was not sent" })).toBeVisible();
    await expect(page.getByText(BODY_TOO_LARGE)).toBeVisible();
    const [sent] = await withDb(
      (sql) =>
        sql<{ n: number }[]>`select count(*)::int as n from messages where subject = ${subject}`,
    );
    expect(sent!.n).toBe(0);
    // Next.js never read the body: no "Body exceeded" error (and its stack) in the app's log.
    expect(readFileSync(E2E_SERVER_LOG, "utf8")).not.toContain("Body exceeded");
  });
});

test.describe("a server action called with arguments that are not a form", () => {
  test("answers with a sentence, not a 500", async ({ page }) => {
    const action = await captureSignInAction(page);
    for (const args of [["x".repeat(1_000)], [], [null, "loginId=x"]]) {
      const res = await fetch(action.url(), {
        method: "POST",
        headers: {
          accept: "text/x-component",
          "next-action": action.headers()["next-action"] ?? "",
          "content-type": "text/plain;charset=UTF-8",
          origin: new URL(base()).origin,
        },
        body: JSON.stringify(args),
      });
      expect(res.status, JSON.stringify(args).slice(0, 40)).toBe(200);
      expect(await res.text()).toContain(NOT_A_FORM_MESSAGE);
    }
  });
});

test.describe("sign-in limits, from outside", () => {
  test("the Auth.js endpoint itself locks a login ID after five failures", async () => {
    const loginId = await makeLearner();
    const csrf = await fetch(`${base()}/api/auth/csrf`);
    const { csrfToken } = (await csrf.json()) as { csrfToken: string };
    const cookie = csrf.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .join("; ");
    const attempt = async (password: string) => {
      const res = await fetch(`${base()}/api/auth/callback/credentials`, {
        method: "POST",
        redirect: "manual",
        headers: { "content-type": "application/x-www-form-urlencoded", cookie },
        body: new URLSearchParams({ csrfToken, scope: "sakura", loginId, password }),
      });
      const session = res.headers.getSetCookie().some((c) => /session-token=[^;]/.test(c));
      return { session, location: res.headers.get("location") ?? "" };
    };
    for (let i = 0; i < 5; i++) {
      const wrong = await attempt(`wrong-password-${i}`);
      expect(wrong.session).toBe(false);
      expect(decodeURIComponent(wrong.location)).toContain("code=invalid");
    }
    // Locked: even the right password opens no session, and the answer says for how long.
    const right = await attempt(DEMO_PASSWORD);
    expect(right.session).toBe(false);
    expect(decodeURIComponent(right.location)).toContain("code=locked:15");
  });
});

test.describe("audit log", () => {
  test("a tenant's admins page through their own entries; another tenant's log is a 404 @phone", async ({
    page,
  }) => {
    const tag = randomBytes(3).toString("hex");
    await withDb(
      (sql) => sql`
        insert into audit_log (tenant_id, action, subject_id, detail, created_at)
        select t.id, 'suppression.added', ${`audit-${tag}-`}::text || g, jsonb_build_object('note', ${tag}::text),
          now() - (g || ' seconds')::interval
        from tenants t, generate_series(1, 60) g where t.slug = 'sakura'`,
    );
    await signIn(page, "/t/sakura/login", "sakura.admin");
    await followNav(page, "Audit log");
    await page.waitForURL(/\/audit$/);
    await expect(page.getByRole("heading", { name: "Audit log" })).toBeVisible();
    await page.locator("select[name=action]").selectOption({ label: "Suppressed an address" });
    await page.getByRole("button", { name: "Show" }).click();
    await expect(page).toHaveURL(/action=suppression\.added/);
    const entries = page.getByTestId("audit-entry");
    await expect(entries).toHaveCount(50);
    await expect(entries.first()).toContainText("Suppressed an address");
    // Walk the pages (another run's entries may be interleaved): each of ours shows exactly once.
    const ours = entries.filter({ hasText: `Note: ${tag}` });
    let seen = await ours.count();
    let pages = 1;
    const older = page.getByRole("link", { name: "Older →" });
    while (await older.isVisible()) {
      const url = page.url();
      await older.click();
      await page.waitForURL((u) => u.toString() !== url);
      await expect(entries.first()).toBeVisible();
      seen += await ours.count();
      pages += 1;
    }
    expect(pages).toBeGreaterThanOrEqual(2);
    expect(seen).toBe(60);
    await page.getByRole("link", { name: "← Newest" }).click();
    await expect(entries).toHaveCount(50);

    const foreign = await page.goto("/t/northwind/admin/audit");
    expect(foreign?.status()).toBe(404);
  });

  test("an entry's detail is in words: no stored enum names, no internal ids", async ({ page }) => {
    const tag = randomBytes(3).toString("hex");
    const batch = randomUUID();
    await withDb(
      (sql) => sql`
        insert into audit_log (tenant_id, action, detail)
        select id, 'members.imported',
          jsonb_build_object('mode', 'create_only', 'batchId', ${batch}::text, 'created', 3, 'note', ${tag}::text)
        from tenants where slug = 'sakura'`,
    );
    await signIn(page, "/t/sakura/login", "sakura.admin");
    await page.goto("/t/sakura/admin/audit");
    const entry = page.getByTestId("audit-entry").filter({ hasText: `Note: ${tag}` });
    await expect(entry).toContainText("Mode: create only");
    await expect(entry).toContainText("Created: 3");
    await expect(entry).not.toContainText("create_only");
    await expect(entry).not.toContainText(batch);
  });

  test("operators see every tenant's entries and filter by tenant", async ({ page }) => {
    const tag = randomBytes(3).toString("hex");
    await withDb(
      (sql) => sql`
        insert into audit_log (tenant_id, action, detail)
        select id, 'mail.paused', jsonb_build_object('reason', ${tag}::text || ' ' || slug)
        from tenants where slug in ('sakura', 'northwind')`,
    );
    await signIn(page, "/login", "operator");
    await followNav(page, "Audit log");
    await page.waitForURL(/\/audit$/);
    await expect(page.getByRole("heading", { name: "Audit log" })).toBeVisible();
    const entries = page.getByTestId("audit-entry");
    await expect(entries.filter({ hasText: `${tag} sakura` })).toHaveCount(1);
    await expect(entries.filter({ hasText: `${tag} northwind` })).toHaveCount(1);
    await page.locator("select[name=tenant]").selectOption({ label: "Northwind Learning" });
    await page.getByRole("button", { name: "Show" }).click();
    await expect(page).toHaveURL(/tenant=northwind/);
    await expect(entries.filter({ hasText: `${tag} northwind` })).toHaveCount(1);
    await expect(entries.filter({ hasText: `${tag} sakura` })).toHaveCount(0);
    for (const text of await entries.allTextContents())
      expect(text).toContain("Northwind Learning");
  });
});
