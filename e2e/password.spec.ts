import { randomBytes } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import { DEMO_PASSWORD, LoginPage, localSesMail, signIn, withDb } from "./support";

/** An active member with the demo password, made directly in the database for the test. */
async function activeMember(tenant: string, email: string | null) {
  const loginId = `pw.${randomBytes(3).toString("hex")}`;
  await withDb(async (sql) => {
    const [hash] = await sql`select password_hash from users where login_id = 'hanako.s'`;
    const [t] = await sql`select id from tenants where slug = ${tenant}`;
    await sql`insert into users (tenant_id, role, login_id, name, email, email_status, status, password_hash)
      values (${t!.id}, 'learner', ${loginId}, 'Password Person', ${email}, ${email ? "unchecked" : "none"}, 'active', ${hash!.password_hash})`;
  });
  return loginId;
}

async function choose(page: Page, password: string) {
  await page.getByLabel("New password", { exact: true }).fill(password);
  await page.getByLabel("New password again").fill(password);
}

test("a member resets a forgotten password through the mailed link @phone", async ({ page }) => {
  const email = `reset.${randomBytes(3).toString("hex")}@example.org`;
  const loginId = await activeMember("sakura", email);
  await page.goto("/t/sakura/login");
  await page.getByRole("link", { name: "Forgot your password?" }).click();
  await page.getByLabel("Login ID or e-mail address").fill(loginId);
  await page.getByRole("button", { name: "Send me a reset link" }).click();
  await expect(
    page.getByText(/If that is one of our members with a working e-mail address/),
  ).toBeVisible();

  let link = "";
  await expect
    .poll(
      async () => {
        const mail = (await localSesMail()).find((m) => m.destination.to[0] === email);
        link =
          /\/t\/sakura\/reset-password\?token=[A-Za-z0-9_-]+/.exec(mail?.body.text ?? "")?.[0] ??
          "";
        return link;
      },
      { timeout: 20_000 },
    )
    .not.toBe("");
  await page.goto(link);
  await choose(page, "a-brand-new-passphrase");
  await page.getByRole("button", { name: "Save the new password" }).click();
  await expect(page).toHaveURL(/reset=1/);
  await expect(page.getByText("Your password was changed.")).toBeVisible();
  await new LoginPage(page).signIn(loginId, "a-brand-new-passphrase");
  await expect(page.getByRole("heading", { name: "Welcome, Password Person" })).toBeVisible();
});

test("a reset or activation link cut short by a mail client says it does not work @phone", async ({
  page,
}) => {
  // Not "expired": a link cut short never worked, and the whole one in the mail may still.
  await page.goto("/t/sakura/reset-password?token=abc123");
  await expect(page.getByText(/This reset link is incomplete/)).toBeVisible();
  await expect(page.getByText(/expired/)).toHaveCount(0);
  await expect(page.getByRole("link", { name: "ask for a new one" })).toBeVisible();
  await page.goto("/t/sakura/activate?token=abc123.");
  await expect(page.getByText(/This link is incomplete/)).toBeVisible();
  await expect(page.getByLabel("Activation code")).toHaveCount(0);
  // A whole link that is not (or no longer) one of ours has expired or was used.
  await page.goto(`/t/sakura/reset-password?token=${"x".repeat(43)}`);
  await expect(page.getByText("This reset link has expired or was already used.")).toBeVisible();
  await expect(page.getByRole("link", { name: "Ask for a new one" })).toBeVisible();
  await page.goto(`/t/sakura/activate?token=${"x".repeat(43)}`);
  await expect(page.getByText("This link has expired or was already used.")).toBeVisible();
});

test("an unknown login ID gets the same answer as a known one", async ({ page }) => {
  await page.goto("/t/northwind/reset-password");
  await page.getByLabel("Login ID or e-mail address").fill("nobody.at.all");
  await page.getByRole("button", { name: "Send me a reset link" }).click();
  await expect(
    page.getByText(/If that is one of our members with a working e-mail address/),
  ).toBeVisible();
});

test("a temporary password from the admin forces the member to choose their own", async ({
  page,
  browser,
}) => {
  const loginId = await activeMember("sakura", null);
  await signIn(page, "/t/sakura/login", "sakura.admin");
  await page.getByRole("link", { name: "Sign-in help" }).click();
  await page.getByLabel("Member's login ID").fill(loginId);
  await page.getByRole("button", { name: "Send a reset link" }).click();
  await expect(
    page.getByText(/has no e-mail address. Set a temporary password instead./).first(),
  ).toBeVisible();
  await page.getByLabel("Member's login ID").fill(loginId);
  await page.getByRole("button", { name: "Set a temporary password" }).click();
  const temporary = (await page.getByTestId("temporary-password").textContent())!.trim();
  expect(temporary).toMatch(/^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/);

  const learner = await (await browser.newContext()).newPage();
  await new LoginPage(learner).goto("/t/sakura/login");
  await new LoginPage(learner).signIn(loginId, DEMO_PASSWORD);
  await expect(new LoginPage(learner).alert()).toHaveText(/Wrong login ID or password/); // the old one is gone
  await new LoginPage(learner).signIn(loginId, temporary);
  await expect(learner).toHaveURL(/\/t\/sakura\/change-password$/);
  await learner.goto("/t/sakura");
  await expect(learner).toHaveURL(/\/t\/sakura\/change-password$/); // nothing else until it is changed
  await learner.getByLabel("Current password").fill(temporary);
  await choose(learner, "my-own-private-passphrase");
  await learner.getByRole("button", { name: "Save and sign in again" }).click();
  await expect(learner).toHaveURL(/changed=1/);
  await new LoginPage(learner).signIn(loginId, "my-own-private-passphrase");
  await expect(learner.getByRole("heading", { name: "Welcome, Password Person" })).toBeVisible();
});
