import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { read, utils } from "xlsx";
import { localSesMail, signIn } from "./support";

const unique = () => randomBytes(3).toString("hex");

async function addMember(page: Page, fields: { loginId: string; name: string; email?: string }) {
  await page.goto("/t/sakura/admin/members/new");
  await page.getByLabel("Login ID").fill(fields.loginId);
  await page.getByLabel("Name").fill(fields.name);
  if (fields.email) await page.getByLabel("E-mail address (optional)").fill(fields.email);
  await page.getByRole("button", { name: "Add member" }).click();
}

/** Phones get 390 px, the width the issue names; desktop keeps its own. */
async function atPhoneWidth(page: Page, project: string) {
  if (project === "phone") await page.setViewportSize({ width: 390, height: 844 });
}

async function setPassword(page: Page, password: string) {
  await page.getByLabel("New password", { exact: true }).fill(password);
  await page.getByLabel("New password again").fill(password);
  await page.getByRole("button", { name: "Set password and start" }).click();
}

test("an admin adds a member; the invitation arrives, the link shows the login ID, and setting a password signs the learner in @phone", async ({
  page,
  browser,
}, testInfo) => {
  test.slow(); // two password hashes in a row: choosing it, then signing in with it
  const loginId = `new.${unique()}`;
  const email = `${loginId}@example.com`;
  await signIn(page, "/t/sakura/login", "sakura.admin");
  await addMember(page, { loginId, name: "Newcomer Learner", email });
  await expect(page.getByRole("status").filter({ hasText: `${loginId} was added` })).toBeVisible();
  await expect(page.getByText(`An invitation is on its way to ${email}`)).toBeVisible();

  // The dispatcher sends it to local SES; the link is in the mail.
  let link = "";
  await expect
    .poll(
      async () => {
        const mail = (await localSesMail()).find((m) => m.destination.to[0] === email);
        link = /\/t\/sakura\/activate\?token=[A-Za-z0-9_-]+/.exec(mail?.body.text ?? "")?.[0] ?? "";
        return link;
      },
      { timeout: 20_000 },
    )
    .not.toBe("");

  const learner = await (await browser.newContext()).newPage();
  await atPhoneWidth(learner, testInfo.project.name);
  await learner.goto(link);
  await expect(learner.getByText("Choose your password to start.")).toBeVisible();
  // Whose account this is, so they need not hunt for the login ID in the mail.
  await expect(learner.getByTestId("activation-login-id")).toHaveText(loginId);
  await setPassword(learner, "short");
  await expect(learner.getByText("A password has at least 10 characters.").first()).toBeVisible();
  await setPassword(learner, "a-long-and-private-passphrase");
  // Signed in straight away, on their home: no second typing of the login ID.
  await expect(learner).toHaveURL(/\/t\/sakura$/, { timeout: 15_000 });
  await expect(learner.getByRole("heading", { name: "Welcome, Newcomer Learner" })).toBeVisible();

  // The link worked once.
  await learner.goto(link);
  await expect(learner.getByText("This link has expired or was already used.")).toBeVisible();
});

test("a member without an address starts with the activation code the admin hands over, and is signed in @phone", async ({
  page,
  browser,
}, testInfo) => {
  test.slow(); // two password hashes in a row: choosing it, then signing in with it
  const loginId = `paper.${unique()}`;
  await signIn(page, "/t/sakura/login", "sakura.admin");
  await addMember(page, { loginId, name: "Paper Learner" });
  const code = (await page.getByTestId("activation-code").textContent())!.trim();
  expect(code).toMatch(/^[A-Z2-9]{5}-[A-Z2-9]{5}$/);
  // The same code in a sheet to download, once.
  const downloading = page.waitForEvent("download");
  await page.getByRole("button", { name: "Download the sheet (.xlsx)" }).click();
  const sheet = read(readFileSync(await (await downloading).path()));
  expect(utils.sheet_to_json(sheet.Sheets["Activation codes"]!)).toEqual([
    expect.objectContaining({ "Login ID": loginId, "Activation code": code }),
  ]);

  const learner = await (await browser.newContext()).newPage();
  await atPhoneWidth(learner, testInfo.project.name);
  // From the sign-in page, as a member with a code on paper and no link would start.
  await learner.goto("/t/sakura/login");
  await learner.getByRole("link", { name: "activate your account" }).click();
  await expect(learner).toHaveURL(/\/t\/sakura\/activate$/);
  await learner.getByLabel("Login ID").fill(loginId);
  await learner.getByLabel("Activation code").fill("WRONG-CODE2");
  await setPassword(learner, "another-private-passphrase");
  await expect(
    learner.getByText(/That login ID and activation code do not match/).first(),
  ).toBeVisible();
  await learner.getByLabel("Activation code").fill(code.toLowerCase());
  await setPassword(learner, "another-private-passphrase");
  await expect(learner).toHaveURL(/\/t\/sakura$/, { timeout: 15_000 });
  await expect(learner.getByRole("heading", { name: "Welcome, Paper Learner" })).toBeVisible();
});

test("a typo'd address is offered its fix, a missing domain is refused unless the admin insists @phone", async ({
  page,
}) => {
  test.slow(); // three members added, each address checked on leaving the field and on adding
  await signIn(page, "/t/sakura/login", "sakura.admin");
  const first = `typo.${unique()}`;
  await addMember(page, { loginId: first, name: "Typo Person", email: `${first}@gmial.com` });
  await expect(page.getByText(`Did you mean ${first}@gmail.com?`).first()).toBeVisible();
  await page.getByRole("button", { name: `Use ${first}@gmail.com` }).click();
  await expect(page.getByLabel("E-mail address (optional)")).toHaveValue(`${first}@gmail.com`);
  await page.getByRole("button", { name: "Add member" }).click();
  await expect(page.getByText(`An invitation is on its way to ${first}@gmail.com`)).toBeVisible();

  const second = `nodomain.${unique()}`;
  await addMember(page, {
    loginId: second,
    name: "Nowhere Person",
    email: `${second}@nowhere.invalid`,
  });
  await expect(page.getByText(/The domain nowhere\.invalid does not exist/).first()).toBeVisible();
  await expect(page.getByLabel("Login ID")).toHaveValue(second); // nothing typed is lost
  await page.getByLabel("This address exists").check();
  await page.getByRole("button", { name: "Add member" }).click();
  await expect(page.getByText(`${second} was added`)).toBeVisible();

  await addMember(page, { loginId: second, name: "Again" });
  await expect(
    page.getByText("That login ID is already taken in your organisation.").first(),
  ).toBeVisible();
});

test("add member checks the address when the field loses focus, and warns of throwaway and shared addresses as the import does @phone", async ({
  page,
}, testInfo) => {
  await atPhoneWidth(page, testInfo.project.name);
  await signIn(page, "/t/sakura/login", "sakura.admin");
  await page.goto("/t/sakura/admin/members/new");
  const email = page.getByLabel("E-mail address (optional)");
  const loginId = `blur.${unique()}`;
  await page.getByLabel("Login ID").fill(loginId);
  // The typo suggestion before anything is submitted: only leaving the field.
  await email.fill(`${loginId}@gmial.com`);
  await email.blur();
  const advice = page.getByTestId("address-advice");
  await expect(advice).toContainText(`Did you mean ${loginId}@gmail.com?`);
  await page.getByRole("button", { name: `Use ${loginId}@gmail.com` }).click();
  await expect(email).toHaveValue(`${loginId}@gmail.com`);
  await expect(advice).toBeHidden();

  // A throwaway and a shared address: the import's words, and the admin may keep either.
  await email.fill("someone@mailinator.com");
  await email.blur();
  await expect(advice).toContainText("someone@mailinator.com is a throwaway address");
  await email.fill(`info.${unique()}@example.com`.replace(/^info\.([0-9a-f]+)@/, "info+$1@"));
  await email.blur();
  await expect(advice).toContainText("is a shared address (such as info@ or admin@)");
  await page.getByRole("button", { name: "Add member" }).click();
  await expect(page.getByRole("status").filter({ hasText: `${loginId} was added` })).toBeVisible();
  await expect(page.getByRole("status")).toContainText("is a shared address");
  await expect(page.getByRole("status")).toContainText(/An invitation is on its way to info\+/);
});

test("the member table searches, filters, sorts and disables with confirmation", async ({
  page,
}) => {
  await signIn(page, "/t/sakura/login", "sakura.admin");
  await page.getByRole("link", { name: "Members", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Members" })).toBeVisible();

  await page.getByLabel("Search").fill("hanako");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/q=hanako/);
  await expect(page.getByRole("row", { name: /hanako\.s/ })).toBeVisible();
  await expect(page.getByRole("row")).toHaveCount(2); // header + Hanako

  await page.goto("/t/sakura/admin/members?status=disabled");
  await expect(page.getByRole("row", { name: /sora\.n/ })).toBeVisible();

  await page.goto("/t/sakura/admin/members?sort=loginId&dir=desc");
  await expect(page.getByRole("link", { name: /Login ID/ })).toContainText("▼");

  // Disable a fresh member, after saying yes to the confirmation.
  const loginId = `table.${unique()}`;
  await addMember(page, { loginId, name: "Table Person" });
  await expect(page.getByText(`${loginId} was added`)).toBeVisible();
  await page.goto(`/t/sakura/admin/members?q=${loginId}`);
  await page.getByRole("checkbox", { name: `Select ${loginId}` }).check();
  // The dialog names what will happen; Escape cancels and nothing changes.
  await page.getByRole("button", { name: "Disable" }).click();
  const ask = page.getByRole("alertdialog");
  await expect(ask).toContainText("Disable 1 member?");
  await expect(ask).toContainText("signed out at once");
  await page.keyboard.press("Escape");
  await expect(ask).toHaveCount(0);
  // Focus goes back to the button that asked, so the keyboard keeps its place.
  await expect(page.getByRole("button", { name: "Disable" })).toBeFocused();
  await expect(page.getByRole("row", { name: new RegExp(loginId) })).toContainText("Not started");
  await page.getByRole("button", { name: "Disable" }).click();
  await ask.getByRole("button", { name: "Disable 1 member" }).click();
  await expect(page.getByText("1 member disabled; they are signed out.")).toBeVisible();
  await expect(page.getByRole("row", { name: new RegExp(loginId) })).toContainText("Disabled");
});

test("an admin edits a member, re-invites them at a corrected address, and deletes them", async ({
  page,
  browser,
}) => {
  const loginId = `edit.${unique()}`;
  await signIn(page, "/t/sakura/login", "sakura.admin");
  await addMember(page, { loginId, name: "Edit Person", email: `${loginId}@example.com` });
  await expect(page.getByText(`${loginId} was added`)).toBeVisible();
  await page.goto(`/t/sakura/admin/members?q=${loginId}`);
  await page.getByRole("link", { name: loginId }).click();
  await expect(page.getByRole("heading", { name: loginId })).toBeVisible();
  const memberUrl = page.url();

  await page.getByLabel("Name").fill("Edited Person");
  await page.getByLabel("E-mail address (optional)").fill(`${loginId}@example.org`);
  await page.getByRole("button", { name: "Save" }).click();
  await expect(
    page.getByText(`A new invitation is on its way to ${loginId}@example.org`),
  ).toBeVisible();

  // Another tenant's admin cannot open this member.
  const other = await (await browser.newContext()).newPage();
  await signIn(other, "/t/northwind/login", "north.admin");
  const foreign = await other.goto(memberUrl.replace("/t/sakura/", "/t/northwind/"));
  expect(foreign?.status()).toBe(404);

  await page.getByRole("button", { name: "Delete" }).click();
  await page
    .getByRole("alertdialog")
    .getByRole("button", { name: `Delete ${loginId}` })
    .click();
  await expect(page).toHaveURL(/\/t\/sakura\/admin\/members$/);
  const gone = await page.goto(memberUrl);
  expect(gone?.status()).toBe(404);
});
