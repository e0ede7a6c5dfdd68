/**
 * `npm run bench:all`: every benchmark in package.json, one after another, each with the arguments
 * given here (`-- --quick` for the smaller sizes), then a table of their last JSON lines. A
 * benchmark that fails or prints no JSON line last fails the run: the benchmarks are not in
 * `npm test` (they want a quiet machine), so this is how a change that breaks one is caught.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";

const args = process.argv.slice(2);
const scripts = Object.keys(
  (JSON.parse(readFileSync("package.json", "utf8")) as { scripts: Record<string, string> }).scripts,
).filter((name) => name.startsWith("bench:") && name !== "bench:all");

type Outcome = {
  name: string;
  seconds: number;
  line: Record<string, unknown> | null;
  code: number;
};

/** Runs one benchmark, showing its output, and keeps the last line of what it printed. */
function runOne(name: string): Promise<Outcome> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn("npm", ["run", "--silent", name, ...(args.length ? ["--", ...args] : [])], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      process.stdout.write(chunk);
    });
    child.on("close", (code) => {
      const last = out.trim().split("\n").pop() ?? "";
      let line: Record<string, unknown> | null = null;
      try {
        const parsed = JSON.parse(last) as unknown;
        if (parsed && typeof parsed === "object" && "bench" in parsed && "ratio" in parsed)
          line = parsed as Record<string, unknown>;
      } catch {
        line = null;
      }
      resolve({ name, seconds: (Date.now() - started) / 1000, line, code: code ?? 1 });
    });
  });
}

const outcomes: Outcome[] = [];
for (const name of scripts) {
  console.log(`\n[bench:all] ${name} ${args.join(" ")}`);
  outcomes.push(await runOne(name));
}

console.log("\n[bench:all] summary");
for (const o of outcomes) {
  const what = o.line
    ? `${String(o.line.value)} ${String(o.line.unit)}, limit ${String(o.line.limit)}, ratio ${String(o.line.ratio)}`
    : `FAILED (exit ${o.code}, no JSON line last)`;
  console.log(`  ${o.name.padEnd(24)} ${what} (${o.seconds.toFixed(0)} s)`);
}
const failed = outcomes.filter((o) => o.code !== 0 || !o.line);
if (failed.length) {
  console.error(
    `[bench:all] ${failed.length} of ${outcomes.length} failed: ${failed.map((o) => o.name).join(", ")}`,
  );
  process.exit(1);
}
