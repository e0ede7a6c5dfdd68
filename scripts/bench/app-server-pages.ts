/**
 * bench:app-server-pages — does Next.js serve pages as cheaply under the app's own server
 * (scripts/server.ts, `npm start`) as under `next start`? The same build, database and settings
 * (dispatcher and applier off); a signed-out page that renders from the database (a tenant's sign-in
 * page, through proxy.ts) and the operators' sign-in page, GET at concurrency 4, each server twice,
 * alternately (next start, app server, next start, app server), so a change in the machine's load
 * falls on both. Reports requests/s and the server's CPU a request (from /proc) for each; `value` is
 * the app server's rate, `limit` next start's, `ratio` value / limit (and `cpu_ratio`, next start's
 * CPU a request over the app server's: above 1 means the app server spends less). `-- --quick`:
 * 300 requests a page a run instead of 1,500.
 */
import type { ChildProcess } from "node:child_process";
import http from "node:http";
import postgres from "postgres";
import { freePort } from "../lib/embedded-postgres";
import { stopGroup } from "../lib/processes";
import {
  appServerArgs,
  appServerEnv,
  benchAppEnv,
  benchDatabase,
  cpuMs,
  machine,
  nextStartArgs,
  productionBuild,
  quick,
  report,
  runBench,
  startServer,
} from "./common";

const PER_PAGE = quick ? 300 : 1_500;
const CONCURRENCY = 4;
const PAGES = ["/t/bench/login", "/login"];

type Run = { seconds: number; cpu: number; requests: number };

/** GETs each page `PER_PAGE` times at `CONCURRENCY`; every answer must be 200. */
async function load(base: string): Promise<{ seconds: number; requests: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const paths = PAGES.flatMap((p) => Array.from({ length: PER_PAGE }, () => p));
  let next = 0;
  const get = (path: string) =>
    new Promise<void>((resolve, reject) => {
      http
        .get(`${base}${path}`, { agent }, (res) => {
          res
            .resume()
            .on("end", () =>
              res.statusCode === 200
                ? resolve()
                : reject(new Error(`GET ${path} answered ${res.statusCode}`)),
            );
        })
        .on("error", reject);
    });
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < paths.length) await get(paths[next++]!);
    }),
  );
  agent.destroy();
  return { seconds: (performance.now() - t0) / 1000, requests: paths.length };
}

async function main() {
  const { url, cleanup } = await benchDatabase();
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  const children: ChildProcess[] = [];
  try {
    await sql`insert into tenants (slug, name) values ('bench', 'Bench School')`;
    const env = benchAppEnv(url, { FEEDBACK_APPLIER: "off" });
    await productionBuild(env);

    const measure = async (kind: "next start" | "app server"): Promise<Run> => {
      const port = await freePort();
      const { child } = await startServer(
        process.execPath,
        kind === "next start"
          ? nextStartArgs(port, "app-server-pages-next-start")
          : appServerArgs(port, "app-server-pages"),
        kind === "next start" ? env : appServerEnv(env),
        `http://127.0.0.1:${port}/login`,
      );
      children.push(child);
      const base = `http://127.0.0.1:${port}`;
      // Warm: every page compiled into memory, connections open.
      for (const p of PAGES) for (let i = 0; i < 20; i++) await fetch(`${base}${p}`);
      const cpu0 = cpuMs(child.pid);
      const { seconds, requests } = await load(base);
      const cpu = (cpuMs(child.pid) - cpu0) / requests;
      await stopGroup(child);
      return { seconds, cpu, requests };
    };

    const runs: [string, Run][] = [];
    for (const kind of ["next start", "app server", "next start", "app server"] as const)
      runs.push([kind, await measure(kind)]);
    for (const [kind, r] of runs)
      console.error(
        `${kind}: ${r.requests} GETs in ${r.seconds.toFixed(2)} s, ${(r.requests / r.seconds).toFixed(0)}/s, ${r.cpu.toFixed(2)} ms of server CPU a request`,
      );
    const sum = (kind: string) => {
      const mine = runs.filter(([k]) => k === kind).map(([, r]) => r);
      const requests = mine.reduce((a, r) => a + r.requests, 0);
      return {
        rate: requests / mine.reduce((a, r) => a + r.seconds, 0),
        cpu: mine.reduce((a, r) => a + r.cpu * r.requests, 0) / requests,
      };
    };
    const app = sum("app server");
    const nextStart = sum("next start");
    console.error(`machine: ${machine()}`);
    const round = (x: number) => Math.round(x * 100) / 100;
    report({
      bench: "app-server-pages",
      value: app.rate,
      unit: "pages/s",
      limit: nextStart.rate,
      ratio: app.rate / nextStart.rate,
      n: PER_PAGE * PAGES.length * 2,
      cpu_ms: round(app.cpu),
      limit_cpu_ms: round(nextStart.cpu),
      cpu_ratio: round(nextStart.cpu / app.cpu),
    });
  } finally {
    for (const child of children) await stopGroup(child);
    await sql.end();
    await cleanup();
  }
}

runBench(main);
