import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { read, utils } from "xlsx";
import { SHIFT_JIS_CSV } from "../test/fixtures/uploads";
import { signIn, withDb } from "./support";

/**
 * A tenant of its own, with its sending paused (breaker open), so its 800-odd invitations wait in
 * the outbox instead of competing with the other tests' mail for the account's send rate.
 */
async function quietTenant(): Promise<{ slug: string; admin: string }> {
  const slug = `imp-${randomBytes(3).toString("hex")}`;
  const admin = `${slug}.admin`;
  await withDb(async (sql) => {
    const [tenant] = await sql<{ id: string }[]>`
      insert into tenants (slug, name) values (${slug}, ${`Import School ${slug}`}) returning id`;
    await sql`
      insert into users (tenant_id, role, login_id, name, status, password_hash)
      select ${tenant!.id}, 'admin', ${admin}, 'Import Admin', 'active', password_hash
      from users where login_id = 'sakura.admin'`;
    await sql`
      insert into tenant_mail_state (tenant_id, "window", breaker, breaker_reason)
      values (${tenant!.id}, 20, 'open', 'e2e: held so it does not compete with other tests')`;
  });
  return { slug, admin };
}

/**
 * 1,000 members, 10% with problems: 10 without a login ID, 10 pairs sharing one (20 rows),
 * 20 malformed addresses, 20 at a domain that does not exist (errors), 30 typos of gmail.com
 * (warnings); the 900 others are fine, 100 of them without an address.
 */
function memberCsv(prefix: string): string {
  const rows = ["ログインID,氏名,メールアドレス"];
  for (let i = 0; i < 1000; i++) {
    const id = `${prefix}.${i}`;
    if (i < 10) rows.push(`,名無し ${i},nobody${i}@example.com`);
    else if (i < 30) rows.push(`${prefix}.twin${Math.floor(i / 2)},Twin ${i},twin${i}@example.com`);
    else if (i < 50) rows.push(`${id},Broken ${i},broken${i}.example.com`);
    else if (i < 70) rows.push(`${id},Dead ${i},dead${i}@nowhere.invalid`);
    else if (i < 100) rows.push(`${id},Typo ${i},typo${i}@gmial.com`);
    else if (i < 200) rows.push(`${id},"Code, Member ${i}",`);
    else rows.push(`${id},Member ${i},member${i}.${prefix}@example.com`);
  }
  return rows.join("\r\n");
}

async function summary(page: Page) {
  const stats = page.getByTestId("import-summary");
  const value = async (label: string) =>
    (await stats.locator("div", { hasText: label }).locator("dd").textContent())?.trim();
  return {
    rows: await value("Rows"),
    ok: await value("OK"),
    warnings: await value("Warnings"),
    errors: await value("Errors"),
  };
}

test("a CSV of 1,000 rows with 10% problems previews with the right counts, takes fixes and commits once", async ({
  page,
}) => {
  test.setTimeout(90_000);
  const { slug, admin } = await quietTenant();
  const prefix = `m${randomBytes(2).toString("hex")}`;
  await signIn(page, `/t/${slug}/login`, admin);

  await page.goto(`/t/${slug}/admin/members`);
  await page.getByRole("link", { name: "Import from a file" }).click();
  await page.getByLabel("Member list (CSV, .xlsx or .xls)").setInputFiles({
    name: "members.csv",
    mimeType: "text/csv",
    buffer: Buffer.from(memberCsv(prefix), "utf8"),
  });
  await page.getByRole("button", { name: "Upload and check" }).click();
  await page.waitForURL(/\/admin\/members\/import\/[0-9a-f-]{36}$/);

  await expect(page.getByRole("heading", { name: "members.csv" })).toBeVisible();
  await expect(page.getByText(/^CSV read as UTF-8 · 1,000 rows/)).toBeVisible();
  await expect(page.getByTestId("encoding-guessed")).toHaveCount(0);
  expect(await summary(page)).toEqual({ rows: "1,000", ok: "900", warnings: "30", errors: "70" });

  // Every row with its reason, paged.
  await page.getByRole("link", { name: "Errors" }).click();
  await expect(page.getByText("Page 1 of 2 (70 rows)")).toBeVisible();
  await expect(
    page.getByText("The login ID is empty. Enter a login ID for this member.").first(),
  ).toBeVisible();
  await expect(page.getByText("is also used in row").first()).toBeVisible();
  await page.getByRole("link", { name: "Next →" }).click();
  await expect(page.getByText("Page 2 of 2 (70 rows)")).toBeVisible();
  await expect(page.getByText("does not exist or cannot receive mail").first()).toBeVisible();

  // One typo fixed by hand, then the rest at once.
  await page.getByRole("link", { name: "Suggested fixes" }).click();
  await page.getByRole("button", { name: `Row 72: use typo70@gmail.com` }).click();
  // The row leaves the list of suggested fixes and the counts move.
  await expect(page.getByRole("button", { name: `Row 72: use typo70@gmail.com` })).toHaveCount(0);
  await expect.poll(async () => (await summary(page)).warnings).toBe("29");
  await page.getByRole("button", { name: "Apply all 29 suggested fixes" }).click();
  await expect
    .poll(() => summary(page))
    .toEqual({ rows: "1,000", ok: "930", warnings: "0", errors: "70" });
  await page.getByRole("link", { name: "All rows" }).click();
  await page.getByRole("link", { name: "Next →" }).click();
  await expect(page.getByText("Page 2 of 20 (1,000 rows)")).toBeVisible();
  await expect(page.getByRole("cell", { name: "typo70@gmail.com (fixed)" })).toBeVisible();

  // The rows to fix, as a workbook.
  const downloadPromise = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download the rows to check (.xlsx)" }).click();
  const download = await downloadPromise;
  expect(download.suggestedFilename()).toBe("members - rows to check.xlsx");
  const report = read(readFileSync(await download.path()));
  const reportRows = utils.sheet_to_json<Record<string, string>>(report.Sheets["Rows to check"]!);
  expect(reportRows).toHaveLength(70);
  expect(reportRows.every((row) => row.Outcome === "Not imported" && row["What to do"])).toBe(true);

  // Commit, after the confirmation.
  await page.getByRole("button", { name: "Commit 930 rows" }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Add 930 rows" }).click();
  await expect(page.getByTestId("commit-result")).toContainText(
    "930 members added, 0 updated, 0 unchanged, 70 rows not imported. 830 invitations queued",
  );
  await expect(page.getByTestId("activation-codes").locator("tbody tr")).toHaveCount(100);
  // The page around the result has refreshed to the committed import; the codes stayed, and the
  // result is said once (the page's own note of the commit is for a later visit).
  await expect(page.getByText(/· Committed \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/)).toBeVisible();
  await expect(page.getByText(/Committed: 930 added/)).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Discard" })).toHaveCount(0);
  await expect(page.getByTestId("activation-codes").locator("tbody tr")).toHaveCount(100);
  const codesPromise = page.waitForEvent("download");
  await page.getByRole("button", { name: "Download the codes (.xlsx)" }).click();
  const codes = read(readFileSync(await (await codesPromise).path()));
  const codeRows = utils.sheet_to_json<Record<string, string>>(codes.Sheets["Activation codes"]!);
  expect(codeRows).toHaveLength(100);
  expect(codeRows[0]!["Activation code"]).toMatch(/^[A-Z2-9]{5}-[A-Z2-9]{5}$/);

  const stored = await withDb(async (sql) => {
    const [members] = await sql<{ n: number }[]>`
      select count(*)::int as n from users u join tenants t on t.id = u.tenant_id
      where t.slug = ${slug} and u.role = 'learner'`;
    const batches = await sql<{ batch_id: string; n: number }[]>`
      select o.batch_id, count(*)::int as n from outbound_emails o join tenants t on t.id = o.tenant_id
      where t.slug = ${slug} group by o.batch_id`;
    return { members: members!.n, batches };
  });
  expect(stored.members).toBe(930);
  expect(stored.batches).toHaveLength(1);
  expect(stored.batches[0]!.n).toBe(830);

  // Committing the same import again does nothing.
  const url = new URL(page.url());
  const again = await page.request.post(`${url.pathname}/commit`, {
    headers: { Origin: url.origin },
  });
  expect(await again.text()).toContain('"alreadyCommitted":true');
  await page.reload();
  await expect(page.getByText(/Committed: 930 added/)).toBeVisible();
  await expect(page.getByRole("button", { name: /Commit/ })).toHaveCount(0);

  // The codes were shown once; an admin who lost them issues new ones (the old ones stop working).
  await page.getByRole("button", { name: "Issue new activation codes" }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Issue new codes" }).click();
  await expect(page.getByTestId("activation-codes").locator("tbody tr")).toHaveCount(100);
  const firstNew = await page
    .getByTestId("activation-codes")
    .locator("tbody tr td")
    .nth(2)
    .textContent();
  expect(firstNew).toMatch(/^[A-Z2-9]{5}-[A-Z2-9]{5}$/);
  expect(
    await withDb(
      async (sql) =>
        (
          await sql<{ n: number }[]>`
            select count(*)::int as n from users u join tenants t on t.id = u.tenant_id
            where t.slug = ${slug} and u.role = 'learner'`
        )[0]!.n,
    ),
  ).toBe(930);
});

test("a CSV that is not UTF-8 says what it was read as, and what to do if names look garbled", async ({
  page,
}) => {
  const { slug, admin } = await quietTenant();
  await signIn(page, `/t/${slug}/login`, admin);
  await page.goto(`/t/${slug}/admin/members/import`);
  await page.getByLabel("Member list (CSV, .xlsx or .xls)").setInputFiles({
    name: "名簿.csv",
    mimeType: "text/csv",
    buffer: Buffer.from(SHIFT_JIS_CSV),
  });
  await page.getByRole("button", { name: "Upload and check" }).click();
  await page.waitForURL(/\/admin\/members\/import\/[0-9a-f-]{36}$/);
  await expect(page.getByText(/^CSV read as Japanese \(Shift_JIS\) · 2 rows/)).toBeVisible();
  await expect(page.getByTestId("encoding-guessed")).toContainText(
    "If names below look garbled, save it from Excel as “CSV UTF-8” and upload it again.",
  );
  await expect(page.getByText("山田太郎")).toBeVisible();
});

test("a file over 1 MB uploads: the server actions' body limit is not the import's", async ({
  page,
}) => {
  const { slug, admin } = await quietTenant();
  await signIn(page, `/t/${slug}/login`, admin);
  await page.goto(`/t/${slug}/admin/members/import`);
  const rows = ["login_id,name,email"];
  for (let i = 0; i < 22_000; i++) rows.push(`big.${i},Member Number ${i},big.${i}@example.com`);
  const csv = Buffer.from(rows.join("\r\n"), "utf8");
  expect(csv.length).toBeGreaterThan(1024 * 1024);
  await page.getByLabel("Member list (CSV, .xlsx or .xls)").setInputFiles({
    name: "big.csv",
    mimeType: "text/csv",
    buffer: csv,
  });
  await page.getByRole("button", { name: "Upload and check" }).click();
  await page.waitForURL(/\/admin\/members\/import\/[0-9a-f-]{36}$/, { timeout: 45_000 });
  await expect(page.getByText(/^CSV read as UTF-8 · 22,000 rows/)).toBeVisible();
});

test("a file that cannot be imported says why and what to do @phone", async ({ page }) => {
  const { slug, admin } = await quietTenant();
  await signIn(page, `/t/${slug}/login`, admin);
  await page.goto(`/t/${slug}/admin/members/import`);
  await page.getByLabel("Member list (CSV, .xlsx or .xls)").setInputFiles({
    name: "list.csv",
    mimeType: "text/csv",
    buffer: Buffer.from("name,email\nTaro,taro@example.com\n", "utf8"),
  });
  await page.getByRole("button", { name: "Upload and check" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "No login ID column" })).toContainText(
    "name one column login_id",
  );
  // Still on the upload page, the file still chosen: nothing was lost.
  await expect(page).toHaveURL(new RegExp(`/t/${slug}/admin/members/import$`));
  await expect(page.getByRole("button", { name: "Upload and check" })).toBeEnabled();
});
