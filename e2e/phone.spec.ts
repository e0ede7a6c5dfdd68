import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { DEMO_PASSWORD, signIn, withDb } from "./support";

/**
 * Every page at 390 px: nothing scrolls sideways, and on a signed-in page the whole navigation is
 * one menu button away. A NUL byte in the query goes along on every page that reads one.
 */
test.use({ viewport: { width: 390, height: 844 } });

/** app/**\/page.tsx as route patterns: the list below must name every one of them. */
function pagePatterns(dir = "app", base = ""): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) found.push(...pagePatterns(full, `${base}/${entry}`));
    else if (entry === "page.tsx") found.push(base || "/");
  }
  return found;
}

type Ids = { member: string; importId: string; message: string };
type Visit = {
  /** "back": a page outside the shell, with its way back instead of the menu. */
  nav?: "back";
  pattern: string;
  url: (ids: Ids) => string;
  who: "public" | "learner" | "admin" | "operator";
};

const NUL = "%00%07";
const VISITS: Visit[] = [
  { pattern: "/", url: () => "/", who: "public" },
  { pattern: "/login", url: () => `/login?next=${NUL}`, who: "public" },
  { pattern: "/t/[tenant]/login", url: () => `/t/sakura/login?next=${NUL}`, who: "public" },
  {
    pattern: "/t/[tenant]/reset-password",
    url: () => `/t/sakura/reset-password?token=${NUL}`,
    who: "public",
  },
  { pattern: "/t/[tenant]/activate", url: () => `/t/sakura/activate?token=${NUL}`, who: "public" },
  {
    pattern: "/t/[tenant]/login/code",
    url: () => `/t/sakura/login/code?c=${NUL}&next=${NUL}`,
    who: "public",
  },
  { pattern: "/t/[tenant]", url: () => "/t/sakura", who: "learner" },
  { pattern: "/t/[tenant]/messages", url: () => `/t/sakura/messages?page=${NUL}`, who: "learner" },
  {
    pattern: "/t/[tenant]/messages/[id]",
    url: (i) => `/t/sakura/messages/${i.message}`,
    who: "learner",
  },
  {
    pattern: "/t/[tenant]/change-password",
    url: () => "/t/sakura/change-password",
    who: "learner",
    nav: "back",
  },
  { pattern: "/t/[tenant]/admin", url: () => "/t/sakura/admin", who: "admin" },
  {
    pattern: "/t/[tenant]/admin/login-codes",
    url: () => "/t/sakura/admin/login-codes",
    who: "admin",
  },
  {
    pattern: "/t/[tenant]/admin/members",
    url: () => `/t/sakura/admin/members?q=${NUL}&page=${NUL}`,
    who: "admin",
  },
  {
    pattern: "/t/[tenant]/admin/members/[id]",
    url: (i) => `/t/sakura/admin/members/${i.member}`,
    who: "admin",
  },
  {
    pattern: "/t/[tenant]/admin/members/new",
    url: () => "/t/sakura/admin/members/new",
    who: "admin",
  },
  {
    pattern: "/t/[tenant]/admin/members/access",
    url: () => "/t/sakura/admin/members/access",
    who: "admin",
  },
  {
    pattern: "/t/[tenant]/admin/members/import",
    url: () => `/t/sakura/admin/members/import?discarded=${NUL}`,
    who: "admin",
  },
  {
    pattern: "/t/[tenant]/admin/members/import/[id]",
    url: (i) => `/t/sakura/admin/members/import/${i.importId}?show=${NUL}&page=${NUL}`,
    who: "admin",
  },
  {
    pattern: "/t/[tenant]/admin/messages",
    url: () => `/t/sakura/admin/messages?page=${NUL}`,
    who: "admin",
  },
  {
    pattern: "/t/[tenant]/admin/messages/new",
    url: () => `/t/sakura/admin/messages/new?audience=${NUL}`,
    who: "admin",
  },
  {
    pattern: "/t/[tenant]/admin/messages/[id]",
    url: (i) => `/t/sakura/admin/messages/${i.message}`,
    who: "admin",
  },
  { pattern: "/t/[tenant]/admin/health", url: () => "/t/sakura/admin/health", who: "admin" },
  {
    pattern: "/t/[tenant]/admin/health/mail",
    url: () => `/t/sakura/admin/health/mail?status=blocked&reason=${NUL}`,
    who: "admin",
  },
  {
    pattern: "/t/[tenant]/admin/suppressions",
    url: () => `/t/sakura/admin/suppressions?q=${NUL}`,
    who: "admin",
  },
  {
    pattern: "/t/[tenant]/admin/unsent",
    url: () => `/t/sakura/admin/unsent?show=${NUL}&period=${NUL}`,
    who: "admin",
  },
  { pattern: "/ops", url: () => `/ops?sort=${NUL}`, who: "operator" },
  { pattern: "/ops/tenants", url: () => "/ops/tenants", who: "operator" },
  { pattern: "/ops/tenants/[slug]", url: () => "/ops/tenants/sakura", who: "operator" },
  { pattern: "/ops/events", url: () => `/ops/events?tenant=${NUL}&type=${NUL}`, who: "operator" },
  { pattern: "/ops/unsent", url: () => `/ops/unsent?tenant=${NUL}`, who: "operator" },
  { pattern: "/ops/announcements", url: () => "/ops/announcements", who: "operator" },
  {
    pattern: "/ops/audit",
    url: () => `/ops/audit?tenant=${NUL}&action=${NUL}&period=${NUL}&before=${NUL}`,
    who: "operator",
  },
  {
    pattern: "/t/[tenant]/admin/audit",
    url: () => `/t/sakura/admin/audit?action=${NUL}&period=${NUL}&before=${NUL}`,
    who: "admin",
  },
];

test("the 390 px pass names every page", () => {
  expect(VISITS.map((v) => v.pattern).sort()).toEqual(pagePatterns().sort());
});

/** A member, an import and a message of sakura's, made here when the demo has none. */
async function ids(page: Page): Promise<Ids> {
  const known = await withDb(async (sql) => {
    const [hanako] = await sql<{ id: string; tenant_id: string }[]>`
      select id, tenant_id from users where login_id = 'hanako.s'`;
    const [admin] = await sql<
      { id: string }[]
    >`select id from users where login_id = 'sakura.admin'`;
    const [message] = await sql<{ id: string }[]>`
      insert into messages (tenant_id, author_id, subject, body, notice_mode, recipient_count)
      values (${hanako!.tenant_id}, ${admin!.id}, 'At 390 px', 'A message for the phone pass.', 'never', 1)
      returning id`;
    await sql`
      insert into message_recipients (message_id, member_id, tenant_id)
      values (${message!.id}, ${hanako!.id}, ${hanako!.tenant_id})`;
    return { member: hanako!.id, message: message!.id };
  });
  await page.goto("/t/sakura/admin/members/import");
  await page.getByLabel("Member list (CSV, .xlsx or .xls)").setInputFiles({
    name: "phone.csv",
    mimeType: "text/csv",
    buffer: Buffer.from("login_id,name,email\nphone.one,Phone One,phone.one@gmial.com\n", "utf8"),
  });
  await page.getByRole("button", { name: "Upload and check" }).click();
  await page.waitForURL(/\/import\/[0-9a-f-]{36}/);
  const importId = /\/import\/([0-9a-f-]{36})/.exec(page.url())![1]!;
  return { ...known, importId };
}

async function noSidewaysScroll(page: Page, url: string) {
  const overflow = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    view: window.innerWidth,
  }));
  expect(overflow.scroll, `${url} scrolls sideways`).toBeLessThanOrEqual(overflow.view);
}

async function navigationReachable(page: Page, url: string) {
  const menu = page.getByTestId("phone-menu");
  await expect(menu, url).toBeVisible();
  await menu.click();
  const sheet = page.getByRole("dialog");
  await expect(
    sheet.getByRole("navigation", { name: "Main" }).getByRole("link").first(),
  ).toBeVisible();
  await expect(sheet.getByRole("button", { name: "Sign out" })).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(sheet).toHaveCount(0);
}

for (const who of ["public", "learner", "admin", "operator"] as const) {
  test(`every ${who} page fits 390 px, with its navigation reachable`, async ({ page }) => {
    test.setTimeout(120_000);
    let found: Ids = { member: "", importId: "", message: "" };
    if (who === "admin" || who === "learner") {
      await signIn(page, "/t/sakura/login", "sakura.admin", DEMO_PASSWORD);
      found = await ids(page);
      if (who === "learner") {
        await page.context().clearCookies();
        await signIn(page, "/t/sakura/login", "hanako.s");
      }
    } else if (who === "operator") {
      await signIn(page, "/login", "operator");
    }
    for (const visit of VISITS.filter((v) => v.who === who)) {
      const url = visit.url(found);
      const response = await page.goto(url);
      expect(response?.status(), url).toBeLessThan(500);
      await expect(page.getByText("Something went wrong")).toHaveCount(0);
      await noSidewaysScroll(page, url);
      if (visit.nav === "back") {
        await expect(page.getByRole("link", { name: "← Back to my page" })).toBeVisible();
      } else if (who !== "public") await navigationReachable(page, url);
    }
  });
}
