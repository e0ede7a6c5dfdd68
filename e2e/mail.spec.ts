import { expect, test } from "@playwright/test";
import { localSesMail, signIn, withDb } from "./support";

test("an admin sends a test mail to themselves and watches it arrive @phone", async ({ page }) => {
  await signIn(page, "/t/sakura/login", "sakura.admin");
  await expect(page.getByText("aiko.tanaka@example.com")).toBeVisible();
  await page.getByRole("button", { name: "Send a test mail to me" }).click();

  // Local SES takes it, the feedback simulator reports the delivery through the signed SNS webhook.
  const status = page.getByTestId("test-mail-status");
  await expect(status).toHaveAttribute("data-status", "delivered", { timeout: 20_000 });
  await expect(status).toHaveText("Delivered");

  await expect
    .poll(async () =>
      (await localSesMail()).some(
        (m) =>
          m.destination.to[0] === "aiko.tanaka@example.com" &&
          m.subject === "Test mail from Sakura Academy",
      ),
    )
    .toBe(true);
});

test("a test mail's state is visible only to the admin who sent it", async ({
  browser,
  request,
}) => {
  const sakura = await browser.newPage();
  await signIn(sakura, "/t/sakura/login", "sakura.admin");
  await sakura.getByRole("button", { name: "Send a test mail to me" }).click();
  await expect(sakura.getByTestId("test-mail-status")).toBeVisible();
  const [mail] = await withDb(
    (sql) =>
      sql`select id from outbound_emails where to_address = 'aiko.tanaka@example.com' order by id desc limit 1`,
  );
  const id = String(mail!.id);
  expect((await sakura.request.get(`/t/sakura/admin/test-mail/${id}`)).status()).toBe(200);
  expect((await sakura.request.get("/t/sakura/admin/test-mail/not-a-number")).status()).toBe(404);

  const northwind = await browser.newPage();
  await signIn(northwind, "/t/northwind/login", "north.admin");
  await expect(northwind).toHaveURL(/\/t\/northwind\/admin$/);
  expect((await northwind.request.get(`/t/northwind/admin/test-mail/${id}`)).status()).toBe(404);
  expect((await northwind.request.get(`/t/sakura/admin/test-mail/${id}`)).status()).toBe(404);

  const signedOut = await request.get(`/t/sakura/admin/test-mail/${id}`, { maxRedirects: 0 });
  expect(signedOut.status()).toBe(307);
  expect(signedOut.headers()["location"]).toContain("/t/sakura/login");
});
