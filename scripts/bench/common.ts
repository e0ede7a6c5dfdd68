import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { migrateDatabase } from "@/db/migrate";
import { databaseUrl, startEmbeddedPostgres, type RunningPostgres } from "../lib/embedded-postgres";
import { run } from "../lib/processes";

export const quick = process.argv.includes("--quick");

/** A fresh, migrated database on DATABASE_URL's server, or on an embedded PostgreSQL when unset. */
export async function benchDatabase(): Promise<{ url: string; cleanup: () => Promise<void> }> {
  let embedded: RunningPostgres | undefined;
  let server = process.env.DATABASE_URL;
  if (!server) {
    embedded = await startEmbeddedPostgres({
      dir: path.join(os.tmpdir(), `sendwell-bench-${process.pid}`),
      persistent: false,
    });
    server = embedded.url;
  }
  const name = `sendwell_bench_${randomBytes(4).toString("hex")}`;
  const admin = postgres(server, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const url = databaseUrl(server, name);
  await migrateDatabase(url);
  return {
    url,
    cleanup: async () => {
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end();
      await embedded?.stop();
    },
  };
}

/**
 * Starts a server in its own process group; it is ready when `readyUrl` answers or, without one,
 * when it prints "ready <port>".
 */
export async function startServer(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  readyUrl?: string,
) {
  const child = spawn(command, args, { env, stdio: ["ignore", "pipe", "inherit"], detached: true });
  let port: number | undefined;
  child.stdout!.on("data", (b: Buffer) => {
    const m = /ready (\d+)/.exec(b.toString());
    if (m) port = Number(m[1]);
  });
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (readyUrl) {
      try {
        await fetch(readyUrl);
        return { child, url: readyUrl.replace(/\/$/, "") };
      } catch {
        // not yet
      }
    } else if (port) return { child, url: `http://127.0.0.1:${port}` };
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${command} did not start`);
}

/** The p-quantile (0..1) of ascending latencies. */
export const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;

export function machine(): string {
  return `${os.cpus().length}x ${os.cpus()[0]?.model.trim() ?? "cpu"}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}

export type BenchLine = {
  bench: string;
  value: number;
  unit: string;
  limit: number;
  ratio: number;
  n: number;
};

export function report(line: BenchLine & Record<string, unknown>): void {
  const round = (x: number) => Math.round(x * 1000) / 1000;
  console.log(
    JSON.stringify({
      ...line,
      value: round(line.value),
      limit: round(line.limit),
      ratio: round(line.ratio),
    }),
  );
}

/** Runs a benchmark's main and exits: 0 when it finished, 1 (with the error) when it failed. */
export function runBench(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}

/** The environment the app runs with under a benchmark: production settings, no dispatcher. */
export function benchAppEnv(
  databaseUrl: string,
  extra: Record<string, string> = {},
): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DATABASE_URL: databaseUrl,
    DB_POOL_MAX: "10",
    AUTH_SECRET: "bench-secret-bench-secret-bench-secret-0123",
    AUTH_TRUST_HOST: "true",
    SES_FROM_ADDRESS: "Bench <b@sendwell.localhost>",
    SES_ENDPOINT: "http://127.0.0.1:9", // local, never called: the dispatcher is off
    MAIL_DISPATCHER: "off",
    NEXT_TELEMETRY_DISABLED: "1",
    ...extra,
  };
}

/** Source files changed since the build: a stale build would measure yesterday's code. */
function newerThanBuild(buildTime: number): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (/\.(ts|tsx)$/.test(entry.name) && statSync(p).mtimeMs > buildTime) found.push(p);
    }
  };
  for (const dir of ["app", "components", "lib", "db"]) if (existsSync(dir)) walk(dir);
  for (const file of ["proxy.ts", "instrumentation.ts", "next.config.mjs", "package-lock.json"])
    if (existsSync(file) && statSync(file).mtimeMs > buildTime) found.push(file);
  return found;
}

/**
 * The production build a benchmark runs its server on, made first (not part of any timing) when
 * there is none or when a source file changed since it was made: a benchmark measures the code as
 * it is, never an older build (once a download was measured on a build two hours old).
 */
export async function productionBuild(
  env: NodeJS.ProcessEnv,
  log: (line: string) => void = (line) => console.error(line),
): Promise<void> {
  let why = "no production build";
  if (existsSync(".next/BUILD_ID")) {
    const built = statSync(".next/BUILD_ID").mtimeMs;
    const stale = newerThanBuild(built);
    if (stale.length === 0) {
      log(
        `using the existing build in .next (${readFileSync(".next/BUILD_ID", "utf8").trim()}, ${new Date(built).toISOString()})`,
      );
      return;
    }
    why = `${stale.length} source file(s) changed since the build in .next (${stale.slice(0, 3).join(", ")}${stale.length > 3 ? ", …" : ""})`;
  }
  log(`${why}: running next build first (not part of the timings)`);
  if ((await run("node_modules/.bin/next", ["build"], { env })) !== 0)
    throw new Error("next build failed");
}

/**
 * CPU time (user + system, ms) a process has used so far, from /proc (Linux; NaN elsewhere): per
 * request, a figure other processes on the same cores disturb far less than requests per second.
 */
export function cpuMs(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // utime and stime are fields 14 and 15 of stat(5), in clock ticks (100 a second on Linux).
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}

/** Every process's name and stat(5) fields after it (pid 0-based: state is `fields[0]`), Linux /proc. */
export function processStats(): { pid: number; comm: string; fields: string[] }[] {
  const out: { pid: number; comm: string; fields: string[] }[] = [];
  for (const pid of readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      out.push({
        pid: Number(pid),
        comm,
        fields: stat.slice(stat.lastIndexOf(")") + 2).split(" "),
      });
    } catch {
      // the process ended
    }
  }
  return out;
}

/** utime + stime of stat(5)'s fields (`processStats`), and cutime + cstime with `children`, in ms. */
const cpuOfFields = (fields: string[], children = false) =>
  (Number(fields[11]) +
    Number(fields[12]) +
    (children ? Number(fields[13]) + Number(fields[14]) : 0)) *
  10;

/**
 * CPU time (ms) every PostgreSQL process on this machine has used so far, with what its ended
 * children (parallel workers) used: around one request on an otherwise idle server, the database's
 * share of its work.
 */
export function postgresCpuMs(): number {
  return processStats()
    .filter((p) => p.comm === "postgres")
    .reduce((total, p) => total + cpuOfFields(p.fields, true), 0);
}

/** The processes of a process group now. */
export function groupPids(pgid: number): number[] {
  return processStats()
    .filter((p) => Number(p.fields[2]) === pgid)
    .map((p) => p.pid);
}

/**
 * Resident memory (bytes) of these processes now, from their statm alone: cheap enough to sample
 * every few milliseconds while a request is timed (`groupUsage` reads every process's stat: about
 * 2 ms of CPU each time here, a tenth of a core when sampled every 20 ms, on the cores the request
 * runs on).
 */
export function pidsRss(pids: readonly number[]): number {
  let rss = 0;
  for (const pid of pids) {
    try {
      rss += Number(readFileSync(`/proc/${pid}/statm`, "utf8").split(" ")[1]) * 4096;
    } catch {
      // the process ended
    }
  }
  return rss;
}

/** The CPU time (ms) and resident memory (bytes) of a process group's processes now. */
export function groupUsage(pgid: number): { cpuMs: number; rss: number } {
  let cpu = 0;
  let rss = 0;
  for (const p of processStats()) {
    if (Number(p.fields[2]) !== pgid) continue;
    cpu += cpuOfFields(p.fields);
    rss += Number(p.fields[21]) * 4096;
  }
  return { cpuMs: cpu, rss };
}

/**
 * With BENCH_CPU_PROF=<dir>, the node arguments that make a server write a V8 CPU profile
 * (`node --cpu-prof`) into <dir>/<server> when it stops; `tsx scripts/bench/cpuprofile.ts` sums one up.
 */
export function cpuProfileArgs(server: string): string[] {
  const dir = process.env.BENCH_CPU_PROF;
  return dir ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(dir, server)}`] : [];
}

/**
 * The node arguments that run the app's production server (`npm start`: scripts/server.ts, the SES
 * webhook before Next.js) on `port`, with BENCH_CPU_PROF's profile under `profile`. Its environment
 * needs NODE_ENV=production, as `npm start` sets it (`appServerEnv`).
 */
/** `next start` on `port` (node's arguments), with BENCH_CPU_PROF's profile under `profile`. */
export function nextStartArgs(port: number, profile = "next-start"): string[] {
  return [
    ...cpuProfileArgs(profile),
    "node_modules/next/dist/bin/next",
    "start",
    "-p",
    String(port),
  ];
}

export function appServerArgs(port: number, profile: string): string[] {
  return [
    ...cpuProfileArgs(profile),
    "--import",
    "tsx/esm",
    "scripts/server.ts",
    "-p",
    String(port),
  ];
}

export const appServerEnv = (env: NodeJS.ProcessEnv): NodeJS.ProcessEnv => ({
  ...env,
  NODE_ENV: "production",
});
