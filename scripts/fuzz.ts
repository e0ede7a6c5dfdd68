/**
 * `npm run fuzz`: the bad-input corpus and property tests (test/fuzz/*.test.ts, and with
 * DATABASE_URL test/fuzz/*.db.test.ts and the authorisation suite's fuzz of every form field, query
 * parameter, route id and body limit), then the count of cases tried per property and the total.
 * FUZZ_RUNS=10 tries ten times as many cases; FUZZ_SEED replays another seed (a failure prints the
 * one it used).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { FUZZ_SEED } from "../test/fuzz/seed";
import { run } from "./lib/processes";

async function main(): Promise<number> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "sendwell-fuzz-"));
  const summary = path.join(dir, "summary.tsv");
  const env = { ...process.env, FUZZ_SUMMARY: summary };
  const started = Date.now();
  // One vitest run for both projects; of the authorisation suite only its fuzz ("fuzz:" in the
  // name), after the world it signs in with is made.
  const files = ["test/fuzz/"];
  if (process.env.DATABASE_URL) files.push("test/authorisation.db.test.ts");
  else {
    console.log(
      "[fuzz] no DATABASE_URL: the database fuzz (webhook, forms, query parameters, ids, body limits) is skipped",
    );
  }
  const projects = process.env.DATABASE_URL ? [] : ["--project", "unit"];
  const code = await run("npx", ["vitest", "run", ...projects, ...files, "-t", "fuzz:"], { env });
  let lines: string[] = [];
  try {
    lines = readFileSync(summary, "utf8").trim().split("\n").filter(Boolean);
  } catch {
    // No property finished.
  }
  rmSync(dir, { recursive: true, force: true });
  let total = 0;
  for (const line of lines) {
    const [cases, name] = line.split("\t");
    total += Number(cases);
    console.log(`${String(cases).padStart(8)}  ${name}`);
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(
    `fuzz total: ${total} cases in ${lines.length} properties, seed ${FUZZ_SEED}, ${seconds} s, ${code === 0 ? "all held" : "FAILED"}`,
  );
  return code;
}

main().then((code) => process.exit(code));
