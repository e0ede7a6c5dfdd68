import { randomBytes } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import { LoginPage, localSesMail, withDb } from "./support";

const unique = () => randomBytes(3).toString("hex");

async function fitsTheScreen(page: Page) {
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - window.innerWidth,
  );
  expect(overflow).toBeLessThanOrEqual(1);
}

/** A tenant of its own with login codes on (sakura's other tests sign in without one). */
async function codeTenant(tag: string) {
  const slug = `codes-${tag}`;
  const admin = { loginId: `cadmin.${tag}`, email: `cadmin.${tag}@example.com` };
  const paper = { loginId: `cpaper.${tag}` };
  await withDb(async (sql) => {
    const [tenant] = await sql<{ id: string }[]>`
      insert into tenants (slug, name, settings)
      values (${slug}, ${`Codes ${tag}`}, ${sql.json({ loginCodes: true })}) returning id`;
    await sql`
      insert into users (tenant_id, role, login_id, name, email, email_status, status, password_hash)
      select ${tenant!.id}, l.role::user_role, l.login_id, l.name, l.email, l.email_status::email_status,
             'active', a.password_hash
        from users a
        cross join (values ('admin', ${admin.loginId}, 'Code Admin', ${admin.email}, 'ok'),
                           ('learner', ${paper.loginId}, 'Paper Learner', null, 'none'))
             as l(role, login_id, name, email, email_status)
       where a.login_id = 'sakura.admin'`;
  });
  return { slug, admin, paper };
}

test("login codes: the code by e-mail, the page that says at once it cannot be sent, and the admin's bypass code @phone", async ({
  page,
  browser,
}, testInfo) => {
  test.setTimeout(90_000);
  if (testInfo.project.name === "phone") await page.setViewportSize({ width: 390, height: 844 });
  const tag = unique();
  const { slug, admin, paper } = await codeTenant(tag);

  // The happy path: password, then the code from the mail.
  await page.goto(`/t/${slug}/login`);
  await new LoginPage(page).signIn(admin.loginId, "sendwell-demo");
  await expect(page).toHaveURL(new RegExp(`/t/${slug}/login/code\\?c=`));
  await expect(page.getByText(/We sent a 6-digit code to c•+@example\.com/)).toBeVisible();
  await fitsTheScreen(page);
  // A new code only after the cool-down.
  await page.getByRole("button", { name: "Send a new code" }).click();
  await expect(page.getByText(/Wait \d+ seconds before asking for a new one/)).toBeVisible();
  let code = "";
  await expect
    .poll(
      async () => {
        const mail = (await localSesMail()).find((m) => m.destination.to[0] === admin.email);
        code = /login code is (\d{6})/.exec(mail?.body.text ?? "")?.[1] ?? "";
        return code;
      },
      { timeout: 20_000 },
    )
    .not.toBe("");
  await page.getByLabel("Login code").fill(code === "000000" ? "111111" : "000000");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText("That code is not right. 4 tries left.")).toBeVisible();
  await page.getByLabel("Login code").fill(code);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(new RegExp(`/t/${slug}/admin$`));

  // The undeliverable path: no address, and the page says so at once.
  const learner = await (await browser.newContext()).newPage();
  if (testInfo.project.name === "phone") await learner.setViewportSize({ width: 390, height: 844 });
  await learner.goto(`/t/${slug}/login`);
  await new LoginPage(learner).signIn(paper.loginId, "sendwell-demo");
  await expect(learner.getByTestId("code-undeliverable")).toContainText(
    "there is no e-mail address on your account",
  );
  await expect(learner.getByTestId("code-undeliverable")).toContainText(
    "Ask your administrator for a one-time bypass code",
  );
  await fitsTheScreen(learner);

  // The bypass path: the admin issues a code on the member's page; it works once.
  await page.goto(`/t/${slug}/admin/members?q=${paper.loginId}`);
  await page.getByRole("link", { name: paper.loginId }).click();
  await page.getByRole("button", { name: "Issue a bypass code" }).click();
  const bypass = (await page.getByTestId("bypass-code").textContent())!.trim();
  expect(bypass).toMatch(/^[A-Z2-9]{5}-[A-Z2-9]{5}$/);
  await fitsTheScreen(page);
  await learner.getByLabel("Bypass code from your administrator").fill(bypass);
  await learner.getByRole("button", { name: "Sign in" }).click();
  await expect(learner.getByRole("heading", { name: "Welcome, Paper Learner" })).toBeVisible();
});
