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

  // A bulk resend says what happens to each. The admin confirmed both addresses when adding them,
  // so neither is refused again as a typo or an unfound domain: the typo'd one goes (or, if the
  // simulator's bounce for gmial.com came first, is named as bounced, with why), and the guard
  // still blocks the domain that does not exist, with why. Nothing is claimed that will not happen.
  await page.goto(`/t/sakura/admin/members?q=${u}`);
  await page.getByRole("checkbox", { name: `Select ${typo}` }).check();
  await page.getByRole("checkbox", { name: `Select ${dead}` }).check();
  await page.getByRole("button", { name: "Resend invitation" }).click();
  // An alert when nothing went, a status line when the typo'd one did.
  const answer = page.locator("[role=alert], [role=status]").filter({ hasText: "Not sent (" });
  await expect(answer).toContainText(`${dead} (The address's domain does not exist`);
  await expect(answer).toContainText(
    new RegExp(
      `New invitations on their way to 1 member|${typo} \\(Mail to ${typo}@gmial\\.com bounced`,
    ),
  );

  // On the member's page: the likely typo is still pointed out, with its one-click fix.
  await page.goto(`/t/sakura/admin/members?q=${typo}`);
  await page.getByRole("link", { name: typo }).click();
  await expect(page.getByTestId("address-problems")).toContainText(
    `Did you mean ${typo}@gmail.com?`,
  );
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
