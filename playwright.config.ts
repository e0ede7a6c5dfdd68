import { existsSync } from "node:fs";
import { defineConfig, devices } from "@playwright/test";

const port = Number(process.env.E2E_PORT ?? 3100);
const baseURL = `http://127.0.0.1:${port}`;
// Debian's Chromium when present (no download needed); otherwise Playwright's own browser,
// installed with `npx playwright install chromium`.
const debianChromium = "/usr/bin/chromium";

export default defineConfig({
  testDir: "e2e",
  fullyParallel: true,
  workers: 2,
  forbidOnly: Boolean(process.env.CI),
  reporter: [["list"], ["json", { outputFile: "test-reports/e2e.json" }]],
  // Fails the run if the app logged a secret, token, password or list of addresses.
  globalTeardown: "./e2e/global-teardown.ts",
  // Budgets for two busy cores (CI runs the build, two browsers and the server on them), not targets.
  timeout: 60_000,
  expect: { timeout: 10_000 },
  use: {
    baseURL,
    // A failed test keeps its trace (actions, DOM snapshots, network); the screencast frames are left
    // out: on two busy cores they cost the suite more than they tell (11.7 against 13.1 minutes).
    trace: { mode: "retain-on-failure", screenshots: false },
    launchOptions: {
      executablePath: existsSync(debianChromium) ? debianChromium : undefined,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
  },
  projects: [
    {
      name: "desktop",
      use: { ...devices["Desktop Chrome"], channel: undefined },
      testIgnore: /incident\.spec\.ts/,
    },
    {
      name: "phone",
      use: { ...devices["Pixel 7"], channel: undefined },
      grep: /@phone/,
      testIgnore: /incident\.spec\.ts/,
    },
    // SES pausing the whole account holds everyone's mail: after every other spec, alone.
    {
      name: "incident",
      use: { ...devices["Desktop Chrome"], channel: undefined },
      testMatch: /incident\.spec\.ts/,
      dependencies: ["desktop", "phone"],
    },
  ],
  webServer: {
    command: "npx tsx scripts/serve.ts e2e",
    url: `${baseURL}/`,
    env: { PORT: String(port) },
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: "pipe",
    gracefulShutdown: { signal: "SIGTERM", timeout: 15_000 },
  },
});
