import { randomBytes } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import { signIn } from "./support";

const unique = () => randomBytes(3).toString("hex");

/** Adds an invited member whose address the admin insisted on (so the form keeps it as typed). */
async function addInsisting(page: Page, loginId: string, email: string) {
  await page.goto("/t/sakura/admin/members/new");
  await page.getByLabel("Login ID").fill(loginId);
  await page.getByLabel("Name").fill("Resend Person");
  await page.getByLabel("E-mail address (optional)").fill(email);
  await page.getByLabel("This address exists").check();
  await page.getByRole("button", { name: "Add member" }).click();
  await expect(page.getByText(`${loginId} was added`)).toBeVisible();
}

test("resend says what will happen to each member, and a stored typo is marked with its fix", async ({
  page,
}) => {
  await signIn(page, "/t/sakura/login", "sakura.admin");
  const u = unique();
  const typo = `rtypo.${u}`;
  const dead = `rdead.${u}`;
  await addInsisting(page, typo, `${typo}@gmial.com`);
  await addInsisting(page, dead, `${dead}@nowhere.invalid`);

  // The table marks the stored typo, with the one-click fix beside it.
  await page.goto(`/t/sakura/admin/members?q=${typo}`);
  const row = page.getByRole("row", { name: new RegExp(typo) });
  await expect(row.getByTestId("address-warning")).toContainText("Likely typo");
  await expect(row.getByRole("button", { name: `Use ${typo}@gmail.com` })).toBeVisible();

  // A bulk resend names the one it will not send to, and why; it never claims both are on their way.
  await page.goto(`/t/sakura/admin/members?q=${u}`);
  await page.getByRole("checkbox", { name: `Select ${typo}` }).check();
  await page.getByRole("checkbox", { name: `Select ${dead}` }).check();
  await page.getByRole("button", { name: "Resend invitation" }).click();
  const answer = page.getByRole("alert").filter({ hasText: "Not sent (2)" });
  // The typo'd invitation the admin insisted on may have bounced already (the simulator bounces
  // gmial.com): either way it is named, with why.
  await expect(answer).toContainText(
    new RegExp(
      `${typo} \\((Did you mean ${typo}@gmail\\.com\\?|Mail to ${typo}@gmial\\.com bounced)`,
    ),
  );
  await expect(answer).toContainText(`${dead} (The domain nowhere.invalid does not exist`);
  await expect(page.getByText(/New invitations queued/)).toHaveCount(0);

  // On the member's page: the same warning, the same truthful answer, then the fix.
  await page.goto(`/t/sakura/admin/members?q=${typo}`);
  await page.getByRole("link", { name: typo }).click();
  await expect(page.getByTestId("address-problems")).toContainText(
    `Did you mean ${typo}@gmail.com?`,
  );
  await page.getByRole("button", { name: "Resend invitation" }).click();
  await expect(page.getByText(/^Not sent: /)).toBeVisible();
  await expect(page.getByText(/on its way/)).toHaveCount(0);
  await page
    .getByRole("button", { name: `Use ${typo}@gmail.com` })
    .first()
    .click();
  await expect(
    page.getByText(
      `Address changed to ${typo}@gmail.com. A new invitation is on its way to ${typo}@gmail.com.`,
    ),
  ).toBeVisible();
  await expect(page.getByTestId("address-problems")).toHaveCount(0);
});

test("an admin gives one member with an address an activation code", async ({ page }) => {
  await signIn(page, "/t/sakura/login", "sakura.admin");
  const loginId = `rcode.${unique()}`;
  await addInsisting(page, loginId, `${loginId}@nowhere.invalid`);
  await page.goto(`/t/sakura/admin/members?q=${loginId}`);
  await page.getByRole("link", { name: loginId }).click();
  await page.getByRole("button", { name: "Give an activation code" }).click();
  const dialog = page.getByRole("alertdialog");
  await expect(dialog).toContainText("Their invitation link stops working");
  await dialog.getByRole("button", { name: "Make the code" }).click();
  await expect(page.getByTestId("activation-code")).toHaveText(/^[A-Z2-9]{5}-[A-Z2-9]{5}$/);
});
