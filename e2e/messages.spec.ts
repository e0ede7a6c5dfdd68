import { randomBytes } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import { followNav, LoginPage, localSesMail, signIn, signOut, withDb } from "./support";

const unique = () => randomBytes(3).toString("hex");

/** Phones get 390 px, the width the issue names; desktop keeps its own. */
async function phoneWidth(page: Page, project: string) {
  if (project === "phone") await page.setViewportSize({ width: 390, height: 844 });
}

async function fitsTheScreen(page: Page) {
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - window.innerWidth,
  );
  expect(overflow).toBeLessThanOrEqual(1);
}

/** Two learners of sakura with the demo password: one good address, one that bounces. */
async function twoLearners(tag: string) {
  const good = { loginId: `good.${tag}`, email: `good.${tag}@example.com` };
  const dead = { loginId: `dead.${tag}`, email: `dead.${tag}@bounce.example.org` };
  await withDb(
    (sql) => sql`
      insert into users (tenant_id, role, login_id, name, email, email_status, status, password_hash)
      select t.id, 'learner', l.login_id, l.name, l.email, 'ok', 'active', a.password_hash
        from tenants t
        join users a on a.tenant_id = t.id and a.login_id = 'sakura.admin'
        cross join (values (${good.loginId}, ${`Good ${tag}`}, ${good.email}),
                           (${dead.loginId}, ${`Dead ${tag}`}, ${dead.email})) as l(login_id, name, email)
       where t.slug = 'sakura'`,
  );
  return { good, dead };
}

test("an admin writes to two learners, one notice bounces, the admin fixes the address and re-notifies; the learners read @phone", async ({
  page,
  browser,
}, testInfo) => {
  test.setTimeout(120_000);
  await phoneWidth(page, testInfo.project.name);
  const tag = unique();
  const { good, dead } = await twoLearners(tag);
  const subject = `Term starts ${tag}`;

  await signIn(page, "/t/sakura/login", "sakura.admin");
  await page.goto(`/t/sakura/admin/members?q=${tag}`);
  await page.getByLabel(`Select ${good.loginId}`).check();
  await page.getByLabel(`Select ${dead.loginId}`).check();
  await page.getByRole("link", { name: "Message selected" }).click();

  const preview = page.getByTestId("audience-preview");
  await expect(preview.getByText("Recipients")).toBeVisible();
  await expect(preview.locator("dd").first()).toHaveText("2");
  await fitsTheScreen(page);

  // Bad input first: a clear sentence, and what was typed stays.
  await page.getByLabel("Subject").fill(subject);
  await page.getByRole("textbox", { name: "Message" }).fill("<script>alert(1)</script>");
  await page.getByRole("button", { name: "Send to 2 members" }).click();
  await expect(
    page.getByText("Messages are plain text: remove the <script> tag.").first(),
  ).toBeVisible();
  await expect(page.getByLabel("Subject")).toHaveValue(subject);

  await page
    .getByRole("textbox", { name: "Message" })
    .fill("Hello,\nthe timetable is at https://example.com/term.");
  await page.getByRole("button", { name: "Send to 2 members" }).click();
  await expect(page.getByText("Sent to 2 members: it is in their boxes now.")).toBeVisible();
  await fitsTheScreen(page);
  const messageUrl = page.url().replace(/\?.*$/, "");

  // The dead address's notice bounces (the feedback simulator), the good one is delivered.
  await expect
    .poll(
      async () => {
        await page.reload();
        return page.getByTestId(`recipient-${dead.loginId}`).innerText();
      },
      { timeout: 40_000, intervals: [1_000] },
    )
    .toMatch(/Bounced/);
  await expect(page.getByTestId("notice-summary")).toContainText("1 bounced");

  // The admin fixes the address and re-notifies: only the bounced one gets a new notice.
  await page.getByTestId(`recipient-${dead.loginId}`).getByRole("link").click();
  const fixed = `fixed.${tag}@example.com`;
  await page.getByLabel("E-mail address (optional)").fill(fixed);
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Saved" }).first()).toBeVisible();
  await page.goto(messageUrl);
  await page.getByRole("button", { name: "Re-notify" }).click();
  await expect(page.getByText("1 new notice queued")).toBeVisible();

  let link = "";
  await expect
    .poll(
      async () => {
        const mail = (await localSesMail()).find(
          (m) => m.destination.to[0] === fixed && m.subject === `New message: ${subject}`,
        );
        link =
          /http:\/\/[^\s]+\/t\/sakura\/messages\/[0-9a-f-]{36}/.exec(mail?.body.text ?? "")?.[0] ??
          "";
        return link;
      },
      { timeout: 30_000 },
    )
    .not.toBe("");
  // The good learner got exactly one notice.
  expect(
    (await localSesMail()).filter(
      (m) => m.destination.to[0] === good.email && m.subject === `New message: ${subject}`,
    ),
  ).toHaveLength(1);

  // The notice's link lands on the message after sign-in; reading lowers the unread count.
  const learner = await (await browser.newContext()).newPage();
  await phoneWidth(learner, testInfo.project.name);
  await learner.goto(new URL(link).pathname);
  await new LoginPage(learner).signIn(dead.loginId, "sendwell-demo");
  await expect(learner.getByRole("heading", { name: subject })).toBeVisible();
  await expect(learner.getByTestId("message-body")).toContainText("the timetable is at");
  await expect(learner.getByRole("link", { name: "https://example.com/term" })).toBeVisible();
  await fitsTheScreen(learner);
  await expect(learner.getByTestId("nav-unread")).toHaveCount(0);

  const other = await (await browser.newContext()).newPage();
  await phoneWidth(other, testInfo.project.name);
  await signIn(other, "/t/sakura/login", good.loginId);
  await expect(other.getByTestId("latest-message")).toContainText(subject);
  await expect(other.getByTestId("nav-unread")).toContainText("1");
  await followNav(other, /^Messages/);
  await expect(other.getByTestId("box-summary")).toHaveText("1 message, 1 unread.");
  await fitsTheScreen(other);
  await other.getByRole("link", { name: new RegExp(subject) }).click();
  await expect(other.getByRole("heading", { name: subject })).toBeVisible();
  await expect(other.getByTestId("nav-unread")).toHaveCount(0);

  // The admin sees both read.
  await page.goto(messageUrl);
  await expect(page.getByTestId(`recipient-${good.loginId}`)).not.toContainText("Not yet");
  await expect(page.getByTestId(`recipient-${dead.loginId}`)).not.toContainText("Not yet");
});

test("an empty box says so kindly, and a message for nobody is refused", async ({ page }) => {
  const tag = unique();
  await withDb(
    (sql) => sql`
      insert into users (tenant_id, role, login_id, name, email, email_status, status, password_hash)
      select t.id, 'learner', ${`empty.${tag}`}, 'Empty Box', null, 'none', 'active', a.password_hash
        from tenants t join users a on a.tenant_id = t.id and a.login_id = 'sakura.admin'
       where t.slug = 'sakura'`,
  );
  await signIn(page, "/t/sakura/login", `empty.${tag}`);
  await page.goto("/t/sakura/messages");
  await expect(page.getByText("Nothing here yet.")).toBeVisible();
  await signInAsAdminAfter(page);
  await page.goto(
    `/t/sakura/admin/messages/new?audience=selected&ids=${"0".repeat(8)}-0000-4000-8000-000000000000`,
  );
  await expect(page.getByText("not in your organisation")).toBeVisible();
  await page.goto("/t/sakura/admin/messages/new?audience=selected&ids=nonsense");
  await expect(page.getByText("The selection holds an id that is not a member's.")).toBeVisible();
});

async function signInAsAdminAfter(page: Page) {
  await signOut(page);
  await signIn(page, "/t/sakura/login", "sakura.admin");
}
