import { randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import { DEMO_PASSWORD, LoginPage, signIn, signOut, withDb } from "./support";

test.describe("each role signs in and sees its home", () => {
  test("an operator sees every tenant with its member counts @phone", async ({ page }) => {
    await signIn(page, "/login", "operator");
    await expect(page).toHaveURL(/\/ops$/);
    await expect(page.getByRole("heading", { name: "Tenants" })).toBeVisible();
    const sakura = page.getByRole("row", { name: /Sakura Academy/ });
    await expect(sakura).toBeVisible();
    await expect(page.getByRole("row", { name: /Northwind Learning/ })).toBeVisible();
  });

  test("the operator sees SES's enforcement status as a word, not SES's enum name @phone", async ({
    page,
  }) => {
    await signIn(page, "/login", "operator");
    const status = page.locator("dt", { hasText: "Enforcement status" }).locator("+ dd");
    // The account is checked shortly after start: until then the page shows a dash.
    await expect(async () => {
      await page.reload();
      await expect(status).not.toHaveText("–", { timeout: 1_000 });
    }).toPass({ timeout: 30_000 });
    await expect(status).toHaveText(/^(Healthy|Under review by SES|Shut down by SES|Not known)$/);
  });

  test("a tenant admin sees the tenant and its members by status @phone", async ({ page }) => {
    await signIn(page, "/t/northwind/login", "north.admin");
    await expect(page).toHaveURL(/\/t\/northwind\/admin$/);
    await expect(page.getByRole("heading", { name: "Northwind Learning" })).toBeVisible();
    // Northwind keeps its seeded members: the specs that add members use Sakura.
    const counts = page.getByRole("definition");
    await expect(counts).toHaveText(["5", "3", "2", "0"]);
  });

  test("a learner sees their name and their tenant @phone", async ({ page }) => {
    await signIn(page, "/t/northwind/login", "liam.c");
    await expect(page).toHaveURL(/\/t\/northwind$/);
    await expect(page.getByRole("heading", { name: "Welcome, Liam Carter" })).toBeVisible();
    await expect(page.getByText("You are signed in to Northwind Learning.")).toBeVisible();
  });

  test("a learner without an e-mail address signs in with login ID and password", async ({
    page,
  }) => {
    await signIn(page, "/t/sakura/login", "TARO.Y");
    await expect(page.getByRole("heading", { name: "Welcome, Taro Yamada" })).toBeVisible();
  });
});

test.describe("refusals", () => {
  test("a wrong password says so and keeps the login ID", async ({ page }) => {
    const login = new LoginPage(page);
    await login.goto("/t/sakura/login");
    await login.signInExpectingRefusal("hanako.s", "not-the-password");
    await expect(page.getByLabel("Login ID")).toHaveValue("hanako.s");
    await expect(login.alert()).toHaveText("Wrong login ID or password. Check both and try again.");
    await expect(page).toHaveURL(/\/t\/sakura\/login/);
  });

  test("empty and malformed fields get a clear message, not an error page", async ({ page }) => {
    const login = new LoginPage(page);
    await login.goto("/login");
    await login.signIn("", "");
    await expect(page.getByText("Enter your login ID.")).toBeVisible();
    await expect(page.getByText("Enter your password.")).toBeVisible();
    await login.signInExpectingRefusal("bad id<script>", "whatever-password");
    await expect(page.getByText(/uses only letters, digits/)).toBeVisible();
    await login.signInExpectingRefusal("x".repeat(31), "whatever-password");
    await expect(page.getByText("A login ID has at most 30 characters.")).toBeVisible();
  });

  test("the sixth wrong attempt is refused for 15 minutes", async ({ page }) => {
    const login = new LoginPage(page);
    const loginId = `probe.${randomBytes(3).toString("hex")}`;
    await login.goto("/t/northwind/login");
    for (let i = 0; i < 5; i++) {
      await login.signInExpectingRefusal(loginId, `wrong-password-${i}`);
      await expect(login.alert()).toHaveText(/Wrong login ID or password/);
    }
    await login.signInExpectingRefusal(loginId, "wrong-password-6");
    await expect(login.alert()).toHaveText(
      /Too many failed attempts\. Sign-in is paused for this login ID; try again in 15 minutes\./,
    );
  });

  test("an admin of one tenant gets a 404 on another tenant's admin page", async ({ page }) => {
    await signIn(page, "/t/sakura/login", "sakura.admin");
    await expect(page).toHaveURL(/\/t\/sakura\/admin$/);
    const response = await page.goto("/t/northwind/admin");
    expect(response?.status()).toBe(404);
    await expect(page.getByRole("heading", { name: "This page does not exist" })).toBeVisible();
    const learnerPage = await page.goto("/t/northwind");
    expect(learnerPage?.status()).toBe(404);
  });

  test("a learner gets a 404 on the admin pages, an operator on tenant pages", async ({ page }) => {
    await signIn(page, "/t/sakura/login", "hanako.s");
    await expect(page.getByRole("heading", { name: /Welcome/ })).toBeVisible();
    expect((await page.goto("/t/sakura/admin"))?.status()).toBe(404);
    expect((await page.goto("/ops"))?.status()).toBe(404);
  });

  test("an unknown tenant is a proper 404 page", async ({ page }) => {
    for (const path of [
      "/t/no-such-tenant/login",
      "/t/NOT_A_SLUG!/login",
      "/t/no-such-tenant/admin",
    ]) {
      const response = await page.goto(path);
      expect(response?.status(), path).toBe(404);
      await expect(page.getByRole("heading", { name: "This page does not exist" })).toBeVisible();
    }
  });

  test("a malformed session cookie is treated as signed out", async ({
    page,
    context,
    baseURL,
  }) => {
    await context.addCookies([
      { name: "authjs.session-token", value: "not-a-jwt.at.all", url: baseURL! },
    ]);
    const response = await page.goto("/t/sakura/admin");
    expect(response?.status()).toBe(200);
    await expect(page).toHaveURL(/\/t\/sakura\/login/);
    await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
  });
});

test.describe("sessions end", () => {
  test("signing out ends the session, even for a copy of the cookie", async ({ page, context }) => {
    await signIn(page, "/t/northwind/login", "north.admin");
    await expect(page).toHaveURL(/\/t\/northwind\/admin$/);
    const cookies = await context.cookies();
    await signOut(page);
    await expect(page).toHaveURL(/\/t\/northwind\/login$/);
    await page.goto("/t/northwind/admin");
    await expect(page).toHaveURL(/\/t\/northwind\/login/);

    await context.addCookies(cookies);
    await page.goto("/t/northwind/admin");
    await expect(page).toHaveURL(/\/t\/northwind\/login/);
  });

  test("a disabled member is signed out at their next request", async ({ page }) => {
    const loginId = `gone.${randomBytes(3).toString("hex")}`;
    await withDb(async (sql) => {
      const [hash] = await sql`select password_hash from users where login_id = 'hanako.s'`;
      const [tenant] = await sql`select id from tenants where slug = 'sakura'`;
      await sql`insert into users (tenant_id, role, login_id, name, status, password_hash)
        values (${tenant!.id}, 'learner', ${loginId}, 'Soon Disabled', 'active', ${hash!.password_hash})`;
    });
    await signIn(page, "/t/sakura/login", loginId, DEMO_PASSWORD);
    await expect(page.getByRole("heading", { name: "Welcome, Soon Disabled" })).toBeVisible();

    await withDb(
      (sql) => sql`update users set status = 'disabled', session_version = session_version + 1
      where login_id = ${loginId}`,
    );
    await page.reload();
    await expect(page).toHaveURL(/\/t\/sakura\/login/);

    const login = new LoginPage(page);
    await login.signIn(loginId, DEMO_PASSWORD);
    await expect(login.alert()).toHaveText(
      "This account is disabled. Ask your administrator to enable it.",
    );
  });

  test("a changed password ends existing sessions", async ({ page }) => {
    const loginId = `moved.${randomBytes(3).toString("hex")}`;
    await withDb(async (sql) => {
      const [hash] = await sql`select password_hash from users where login_id = 'hanako.s'`;
      const [tenant] = await sql`select id from tenants where slug = 'sakura'`;
      await sql`insert into users (tenant_id, role, login_id, name, status, password_hash)
        values (${tenant!.id}, 'learner', ${loginId}, 'Password Changer', 'active', ${hash!.password_hash})`;
    });
    await signIn(page, "/t/sakura/login", loginId);
    await expect(page.getByRole("heading", { name: "Welcome, Password Changer" })).toBeVisible();
    await withDb(
      (sql) =>
        sql`update users set session_version = session_version + 1 where login_id = ${loginId}`,
    );
    await page.reload();
    await expect(page).toHaveURL(/\/t\/sakura\/login/);
  });
});
