/**
 * `npm test`: type-check, lint, unit and database tests, a production build and the browser tests.
 * Without DATABASE_URL it starts one embedded PostgreSQL for the whole run and stops it after.
 */
import { existsSync, readFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { startEmbeddedPostgres, type RunningPostgres } from "./lib/embedded-postgres";
import { run } from "./lib/processes";

const steps: { name: string; command: string; args: string[] }[] = [
  { name: "typecheck", command: "npx", args: ["tsc", "--noEmit"] },
  { name: "lint", command: "npx", args: ["eslint", "--max-warnings", "0", "."] },
  { name: "format", command: "npx", args: ["prettier", "--check", "--log-level", "warn", "."] },
  {
    name: "unit and database tests",
    command: "npx",
    args: [
      "vitest",
      "run",
      "--reporter=default",
      "--reporter=json",
      "--outputFile.json=test-reports/vitest.json",
    ],
  },
  { name: "build", command: "npx", args: ["next", "build"] },
  // Needs the build: the app server (`npm start`) killed with SIGKILL mid-batch and mid-webhook (test/faults/app-kill.proof.ts).
  {
    name: "app killed",
    command: "npx",
    args: [
      "vitest",
      "run",
      "--config",
      "vitest.proof.config.ts",
      "test/faults/app-kill.proof.ts",
      "--reporter=default",
      "--reporter=json",
      "--outputFile.json=test-reports/app-kill.json",
    ],
  },
  { name: "browser tests", command: "npx", args: ["playwright", "test"] },
];

let embedded: RunningPostgres | undefined;
const env: NodeJS.ProcessEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };

async function main(): Promise<number> {
  await rm("test-reports", { recursive: true, force: true });
  if (!env.DATABASE_URL) {
    console.log("[test] no DATABASE_URL: starting embedded PostgreSQL for this run");
    const dir = path.join(os.tmpdir(), `sendwell-test-${process.pid}`);
    embedded = await startEmbeddedPostgres({ dir, persistent: false });
    env.DATABASE_URL = embedded.url;
  }
  for (const step of steps) {
    const started = Date.now();
    console.log(`\n[test] ${step.name}: ${step.command} ${step.args.join(" ")}`);
    let code = await run(step.command, step.args, { env });
    // Belt and braces: a vitest run with the database project has been seen to exit 0 after a
    // failure (its global teardown ends the process early); its own report decides.
    if (code === 0 && step.name === "unit and database tests")
      code = vitestFailures("test-reports/vitest.json") > 0 ? 1 : 0;
    if (code === 0 && step.name === "app killed")
      code = vitestFailures("test-reports/app-kill.json") > 0 ? 1 : 0;
    console.log(
      `[test] ${step.name}: ${code === 0 ? "ok" : `failed (exit ${code})`} in ${((Date.now() - started) / 1000).toFixed(1)}s`,
    );
    if (code !== 0) return code;
  }
  return 0;
}

function vitestFailures(report: string): number {
  if (!existsSync(report)) return 1;
  const v = JSON.parse(readFileSync(report, "utf8"));
  return (v.numFailedTests ?? 0) + (v.numFailedTestSuites ?? 0) + (v.success === false ? 1 : 0);
}

/** One closing line over both runners, from their JSON reports. */
function summary(): string | null {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for (const report of ["test-reports/vitest.json", "test-reports/app-kill.json"]) {
    if (!existsSync(report)) continue;
    const v = JSON.parse(readFileSync(report, "utf8"));
    passed += v.numPassedTests ?? 0;
    failed += v.numFailedTests ?? 0;
    skipped += (v.numPendingTests ?? 0) + (v.numTodoTests ?? 0);
  }
  if (existsSync("test-reports/e2e.json")) {
    const p = JSON.parse(readFileSync("test-reports/e2e.json", "utf8"));
    passed += p.stats?.expected ?? 0;
    failed += (p.stats?.unexpected ?? 0) + (p.stats?.flaky ?? 0);
    skipped += p.stats?.skipped ?? 0;
  }
  if (passed + failed + skipped === 0) return null;
  return `total: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`;
}

let exitCode = 1;
try {
  exitCode = await main();
} catch (error) {
  console.error(error);
} finally {
  await embedded?.stop().catch(() => {});
}
const line = summary();
if (line) console.log(`\n${line}`);
process.exit(exitCode);
