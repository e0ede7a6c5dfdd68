import { readFileSync } from "node:fs";
import { expect, type Page } from "@playwright/test";
import postgres from "postgres";

export const DEMO_PASSWORD = "sendwell-demo";

/** The page object for both sign-in pages (operators at /login, members at /t/<slug>/login). */
export class LoginPage {
  constructor(private readonly page: Page) {}

  async goto(path: string) {
    await this.page.goto(path);
    await expect(this.page.getByRole("button", { name: "Sign in" })).toBeVisible();
  }

  async signIn(loginId: string, password: string) {
    await this.page.getByLabel("Login ID").fill(loginId);
    await this.page.getByLabel("Password").fill(password);
    await this.page.getByRole("button", { name: "Sign in" }).click();
  }

  /**
   * Submits and waits until the form has re-rendered with the answer (React resets the form then,
   * emptying the password), so a message identical to the previous one is never read stale.
   */
  async signInExpectingRefusal(loginId: string, password: string) {
    await this.signIn(loginId, password);
    await expect(this.page.getByLabel("Password")).toHaveValue("");
  }

  /** The form's own message (Next.js adds an empty route-announcer alert of its own). */
  alert() {
    return this.page.locator("form [role=alert]");
  }
}

/** Signs in and waits until the sign-in page has been left (the session cookie is set then). */
export async function signIn(page: Page, path: string, loginId: string, password = DEMO_PASSWORD) {
  const login = new LoginPage(page);
  await login.goto(path);
  await login.signIn(loginId, password);
  await page.waitForURL((url) => !url.pathname.endsWith("/login"));
}

/** Signs out from the account menu (on a phone, from the menu sheet). */
export async function signOut(page: Page) {
  const phone = await page.getByTestId("phone-menu").isVisible();
  await page.getByTestId(phone ? "phone-menu" : "user-menu").click();
  await page.getByRole(phone ? "button" : "menuitem", { name: "Sign out" }).click();
  await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
}

/** Direct access to the e2e database, for arranging what no page does yet. */
export async function withDb<T>(fn: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const url = readFileSync(".data/e2e-database-url", "utf8").trim();
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    return await fn(sql);
  } finally {
    await sql.end();
  }
}

/** What local SES received (the e2e server's own instance). */
export async function localSesMail(): Promise<
  { destination: { to: string[] }; subject: string; body: { text?: string } }[]
> {
  const url = readFileSync(".data/e2e-ses-url", "utf8").trim();
  const res = await fetch(`${url}/store`);
  return ((await res.json()) as { emails: never[] }).emails;
}

/** Follows a link of the main navigation; on a phone it is behind the menu button. */
export async function followNav(page: Page, name: string | RegExp) {
  if (await page.getByTestId("phone-menu").isVisible()) {
    await page.getByTestId("phone-menu").click();
    await page.getByRole("dialog").getByRole("link", { name }).click();
  } else {
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name }).click();
  }
}
