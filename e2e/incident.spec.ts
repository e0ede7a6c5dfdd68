/**
 * The seed's incident replayed in miniature, for the unsent ledger: SES pauses the account (local
 * SES, through the fault switch, answers SendingPausedException and GetAccount says sending is
 * disabled) while a tenant has an invitation to a new member, one to a member already active, a
 * message notice, a password reset and a login code on their way; sending resumes; the ledger shows
 * the five cases, downloads and reads back, and each remedy works from the page. Runs after every
 * other spec (its own Playwright project): a paused account holds everyone's mail.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import ExcelJS from "exceljs";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { signIn, withDb } from "./support";

const CASES = [
  "invitation_new",
  "invitation_active",
  "message_notice",
  "password_reset",
  "login_code",
] as const;

async function sesPaused(paused: boolean) {
  const url = readFileSync(".data/e2e-ses-fault-url", "utf8").trim();
  const res = await fetch(`${url}/_fault`, { method: "POST", body: JSON.stringify({ paused }) });
  expect(res.ok).toBe(true);
}

async function freshTenant() {
  const slug = `inc-${randomBytes(3).toString("hex")}`;
  const admin = `${slug}.admin`;
  const ids = await withDb(async (sql) => {
    const [tenant] = await sql<{ id: string }[]>`
      insert into tenants (slug, name, settings)
      values (${slug}, ${`Incident School ${slug}`}, ${sql.json({ timeZone: "Asia/Tokyo" })}) returning id`;
    const member = async (loginId: string, name: string, email: string) => {
      const [row] = await sql<{ id: string }[]>`
        insert into users (tenant_id, role, login_id, name, email, email_status, status, password_hash)
        select ${tenant!.id}, 'learner', ${loginId}, ${name}, ${email}, 'ok', 'active', password_hash
          from users where login_id = 'sakura.admin' returning id`;
      return row!.id;
    };
    await sql`
      insert into users (tenant_id, role, login_id, name, status, password_hash)
      select ${tenant!.id}, 'admin', ${admin}, 'Incident Admin', 'active', password_hash
        from users where login_id = 'sakura.admin'`;
    return {
      tenant: tenant!.id,
      veteran: await member(`${slug}.vet`, "山田 花子", `vet.${slug}@example.com`),
      reader: await member(`${slug}.read`, "Reader", `read.${slug}@example.com`),
      forgetful: await member(`${slug}.forgot`, "Forgetful", `forgot.${slug}@example.com`),
      coder: await member(`${slug}.code`, "Coder", `code.${slug}@example.com`),
    };
  });
  return { slug, admin, ...ids };
}

async function signedIn(browser: Browser, path: string, loginId: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await signIn(page, path, loginId);
  return page;
}

const tenantMail = (tenantId: string) =>
  withDb(
    (sql) =>
      sql<{ category: string; status: string; reason: string | null }[]>`
      select category, status, reason from outbound_emails where tenant_id = ${tenantId}`,
  );

test("the incident in miniature: SES pauses the account, the ledger shows the five cases, downloads, and each remedy works from the page", async ({
  browser,
}) => {
  test.setTimeout(240_000);
  const t = await freshTenant();
  const admin = await signedIn(browser, `/t/${t.slug}/login`, t.admin);

  await sesPaused(true);
  try {
    // An invitation to a new member, through the page.
    await admin.goto(`/t/${t.slug}/admin/members/new`);
    await admin.getByLabel("Login ID").fill(`${t.slug}.new`);
    await admin.getByLabel("Name").fill("New Person");
    await admin.getByLabel("E-mail address (optional)").fill(`new.${t.slug}@example.com`);
    await admin.getByRole("button", { name: "Add member" }).click();
    await expect(admin.getByText(/invitation/i).first()).toBeVisible();
    // A password reset, asked for on the public page.
    const visitor = await (await browser.newContext()).newPage();
    await visitor.goto(`/t/${t.slug}/reset-password`);
    await visitor.getByLabel("Login ID or e-mail address").fill(`${t.slug}.forgot`);
    await visitor.getByRole("button", { name: "Send me a reset link" }).click();
    await expect(visitor.getByText(/If that is one of our members/)).toBeVisible();
    // A message, whose notice is mail.
    await admin.goto(`/t/${t.slug}/admin/members?q=${t.slug}.read`);
    await admin.getByLabel(`Select ${t.slug}.read`).check();
    await admin.getByRole("link", { name: "Message selected" }).click();
    await admin.getByLabel("Subject").fill("Timetable for December");
    await admin.getByRole("textbox", { name: "Message" }).fill("The timetable is in the hall.");
    await admin.getByRole("button", { name: "Send to 1 member" }).click();
    await expect(admin.getByText("Sent to 1 member")).toBeVisible();
    // What no page of this spec makes: an invitation to a member who already started and a login
    // code, queued as their features queue them.
    await withDb(async (sql) => {
      const queue = (member: string, category: string, lane: string, params: object) => sql`
        insert into outbound_emails (tenant_id, member_id, category, lane, to_address, template, params)
        select ${t.tenant}, id, ${category}, ${lane}, email, ${category}, ${sql.json(params as never)}
          from users where id = ${member}`;
      await queue(t.veteran, "invitation", "bulk", {
        memberName: "山田 花子",
        loginId: `${t.slug}.vet`,
        token: randomBytes(24).toString("base64url"),
      });
      await queue(t.coder, "login_code", "transactional", { memberName: "Coder", code: "K7Q2M9" });
    });
    // The dispatcher meets SES's pause and holds all five.
    await expect
      .poll(
        async () =>
          (await tenantMail(t.tenant)).filter((m) => m.reason === "account_paused").length,
        {
          timeout: 30_000,
        },
      )
      .toBe(5);
  } finally {
    await sesPaused(false);
  }
  // Sending resumes once the dispatcher reads the account again (every minute).
  await expect
    .poll(
      () =>
        withDb(
          async (sql) =>
            (await sql`select paused_until from account_mail_state`)[0]?.paused_until ?? null,
        ),
      { timeout: 90_000, intervals: [2_000] },
    )
    .toBeNull();

  // The ledger: one member in each case, since the pause.
  await admin.goto(`/t/${t.slug}/admin`);
  await admin.getByRole("link", { name: "Unsent mail" }).first().click();
  await expect(admin.getByRole("heading", { name: "Unsent mail" })).toBeVisible();
  await expect(admin.getByLabel("Period")).toHaveValue("pause");
  for (const c of CASES) await expect(admin.getByTestId(`count-${c}`)).toHaveText("1");
  await expect(admin.getByTestId("ledger-invitation_active")).toContainText("山田 花子");
  await expect(admin.getByTestId("ledger-invitation_new")).toContainText(
    "Sending is paused for the whole platform by SES",
  );

  // The workbook: a summary and a sheet per case, read back.
  const [download] = await Promise.all([
    admin.waitForEvent("download"),
    admin.getByRole("link", { name: "Download (.xlsx)" }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(new RegExp(`^unsent-${t.slug}-\\d{8}\\.xlsx$`));
  const book = new ExcelJS.Workbook();
  await book.xlsx.readFile(await download.path());
  expect(book.worksheets.map((s) => s.name)).toEqual([
    "Summary",
    "Invitation, not started",
    "Invitation, already started",
    "Message notice",
    "Password reset",
    "Login code",
  ]);
  for (const sheet of book.worksheets.slice(1)) {
    expect(sheet.rowCount, sheet.name).toBe(2);
    expect(sheet.getRow(2).getCell(7).value).toBeInstanceOf(Date);
  }
  expect(book.getWorksheet("Invitation, already started")!.getRow(2).getCell(2).value).toBe(
    "山田 花子",
  );

  // The operators see the tenant among every organisation, and tell each one's admins.
  const operator = await signedIn(browser, "/login", "operator");
  await operator.goto("/ops/unsent");
  await expect(operator.getByTestId(`ops-unsent-${t.slug}`)).toContainText(
    `Incident School ${t.slug}`,
  );
  await operator.getByRole("button", { name: "Tell each organisation's admins" }).click();
  await operator.getByRole("alertdialog").getByRole("button", { name: "Tell them" }).click();
  await expect(operator.getByText(/^Told \d+ admins? of \d+ organisations?/)).toBeVisible();
  await admin.goto(`/t/${t.slug}/messages`);
  await admin.getByText("5 members missed mail since the pause of").first().click();
  // The link is to the public address (PUBLIC_URL); the test's browser is on 127.0.0.1.
  const link = admin.getByRole("link", { name: /\/admin\/unsent\?period=pause/ });
  await expect(link).toHaveAttribute(
    "href",
    new RegExp(`/t/${t.slug}/admin/unsent\\?period=pause$`),
  );
  await admin.goto(`/t/${t.slug}/admin/unsent?period=pause`);
  await expect(admin.getByRole("heading", { name: "Unsent mail" })).toBeVisible();

  // The ledger fits a phone.
  const phone = await (
    await browser.newContext({ viewport: { width: 390, height: 844 } })
  ).newPage();
  await signIn(phone, `/t/${t.slug}/login`, t.admin);
  await phone.goto(`/t/${t.slug}/admin/unsent`);
  await expect(phone.getByTestId("count-login_code")).toHaveText("1");
  const overflow = await phone.evaluate(
    () => document.documentElement.scrollWidth - window.innerWidth,
  );
  expect(overflow).toBeLessThanOrEqual(1);

  // Each remedy from the page; each row leaves the list.
  const remedy = async (
    c: (typeof CASES)[number],
    label: string,
    confirm: string,
    answer: RegExp,
    note?: string,
  ) => {
    const table = admin.getByTestId(`ledger-${c}`);
    await table
      .getByRole("checkbox", { name: /^Select / })
      .first()
      .check();
    await admin.getByTestId(`remedies-${c}`).getByRole("button", { name: label }).click();
    const dialog = admin.getByRole("alertdialog");
    if (note) await dialog.getByLabel("Note (optional)").fill(note);
    await dialog.getByRole("button", { name: confirm }).click();
    await expect(admin.getByText(answer)).toBeVisible();
    await expect(admin.getByTestId(`count-${c}`)).toHaveText("0");
  };
  await remedy("invitation_new", "Resend invitation", "Resend", /Invitations queued: 1\./);
  await remedy(
    "invitation_active",
    "Mark as handled",
    "Mark as handled",
    /Marked as handled: 1\./,
    "Told at the desk",
  );
  await remedy("message_notice", "Notify again", "Notify", /New notices queued: 1\./);
  await remedy("password_reset", "Send a new reset link", "Send", /New reset links queued: 1\./);
  await admin.getByRole("button", { name: "Announce that sending is back" }).click();
  await admin.getByRole("alertdialog").getByRole("button", { name: "Announce" }).click();
  await expect(
    admin.getByText(/"Sending has been restored" is in the message box of 6 members/),
  ).toBeVisible();
  await remedy(
    "login_code",
    "Give a bypass code",
    "Issue codes",
    /Bypass codes issued \(shown once; each works once, for 24 hours\): 1\./,
  );
  await expect(admin.getByTestId("shown-once")).toContainText(`${t.slug}.code`);
  await expect(admin.getByTestId("shown-once")).toContainText(/[A-Z2-9]{5}-?[A-Z2-9]{5}/);
  await expect(admin.getByTestId("unsent-empty")).toBeVisible();

  // The new invitation, reset link and notice go out now that sending is back.
  await expect
    .poll(
      async () =>
        (await tenantMail(t.tenant)).filter(
          (m) =>
            ["invitation", "password_reset", "message_notice"].includes(m.category) &&
            ["sent", "delivered"].includes(m.status),
        ).length,
      { timeout: 30_000 },
    )
    .toBe(3);
});
