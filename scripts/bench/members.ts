/**
 * bench:members — p95 of the members page under `next start`, signed in as the tenant's admin, for a
 * tenant of 100,000 members: 400 GETs at concurrency 4, each with a search, a filter and a sort
 * (ten different views, so it is not one query over and over). Every answer must be 200 and show
 * the member count and the first row that a plain SQL query expects. The limit, in the same run: a
 * bare node:http server making the same `listMembers` call. `-- --quick`: 10,000 members, 100 GETs.
 * With BENCH_CPU_PROF=<dir>, each server writes a V8 CPU profile under <dir>/next-start and
 * <dir>/bare (`tsx scripts/bench/cpuprofile.ts <file>` summarises it).
 */
import type { ChildProcess } from "node:child_process";
import http from "node:http";
import os from "node:os";
import postgres from "postgres";
import { memberQueryString, type MemberQuery, type SortColumn } from "@/lib/members/list-query";
import { freePort } from "../lib/embedded-postgres";
import { stopGroup } from "../lib/processes";
import {
  benchDatabase,
  machine,
  nextStartArgs,
  percentile,
  quick,
  report,
  startServer,
  runBench,
  benchAppEnv,
  cpuMs,
  cpuProfileArgs,
  productionBuild,
} from "./common";
import { signIn } from "./sign-in";
import { ADMIN_LOGIN, ADMIN_PASSWORD, seedMembers, TENANT_SLUG } from "./members-data";

const MEMBERS = quick ? 10_000 : 100_000;
const REQUESTS = quick ? 100 : 400;
const WARM_UP = 40;
const CONCURRENCY = 4;

// What an admin looks for: a family name in kanji or romaji, a given name, a mail provider, a
// run of student numbers; each with a filter and a sort. At 100,000 members each matches 20 to
// 2,700.
const VIEWS: Partial<MemberQuery>[] = [
  { q: "tanaka", status: "invited", sort: "name", dir: "desc" },
  { q: "佐藤", status: "active", sort: "lastLoginAt", dir: "desc" },
  { q: "smith", email: "ok", sort: "loginId", dir: "asc" },
  { q: "docomo", status: "invited", never: true, sort: "createdAt", dir: "desc" },
  { q: "hina", status: "disabled", sort: "email", dir: "asc" },
  { q: "s202051", status: "active", sort: "loginId", dir: "desc" },
  { q: "grace", never: true, sort: "name", dir: "asc" },
  { q: "hanako.kato", status: "invited", sort: "createdAt", dir: "asc" },
  { q: "鈴木 陽菜", email: "ok", sort: "name", dir: "desc" },
  { q: "yahoo.co.jp", email: "bounced", sort: "lastLoginAt", dir: "asc" },
];

// The page's order, written out independently of lib/members/list.ts.
const ORDER: Record<SortColumn, string> = {
  loginId: "lower(login_id)",
  name: "name",
  email: "email",
  status: "status",
  emailStatus: "email_status",
  lastLoginAt: "last_login_at",
  createdAt: "created_at",
};

type Expected = { path: string; search: string; total: number; firstLoginId: string | null };

/** What each view must show, straight from SQL: the count and the first row's login ID. */
async function expectations(sql: postgres.Sql, tenantId: string): Promise<Expected[]> {
  const out: Expected[] = [];
  for (const view of VIEWS) {
    const pattern = `%${view.q}%`;
    const [row] = await sql`
      select count(*) over ()::int as total, login_id from users
       where tenant_id = ${tenantId}
         and (login_id ilike ${pattern} or name ilike ${pattern} or email ilike ${pattern})
         ${view.status ? sql`and status = ${view.status}` : sql``}
         ${view.email ? sql`and email_status = ${view.email}` : sql``}
         ${view.never ? sql`and last_login_at is null` : sql``}
       order by ${sql.unsafe(ORDER[view.sort!])} ${sql.unsafe(view.dir === "desc" ? "desc" : "asc")}, id
       limit 1`;
    const search = memberQueryString(view);
    out.push({
      path: `/t/${TENANT_SLUG}/admin/members${search}`,
      search,
      total: row?.total ?? 0,
      firstLoginId: row?.login_id ?? null,
    });
  }
  return out;
}

/** GETs `count` paths cycling through `views` at CONCURRENCY over keep-alive connections. */
async function load(
  baseUrl: string,
  views: Expected[],
  count: number,
  toPath: (e: Expected) => string,
  check: (e: Expected, status: number, body: string) => string | null,
  cookie = "",
): Promise<{ latencies: number[]; seconds: number; byView: Map<string, number[]> }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const target = new URL(baseUrl);
  const latencies: number[] = [];
  const byView = new Map<string, number[]>(views.map((v) => [v.search, []]));
  const failures: string[] = [];
  let next = 0;
  const get = (p: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.get(
        { host: target.hostname, port: target.port, path: p, agent, headers: { cookie } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () =>
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }),
          );
        },
      );
      req.on("error", reject);
    });
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) {
        const view = views[next++ % views.length]!;
        const t0 = performance.now();
        const { status, body } = await get(toPath(view));
        const ms = performance.now() - t0;
        latencies.push(ms);
        byView.get(view.search)!.push(ms);
        const problem = check(view, status, body);
        if (problem) failures.push(`${view.search}: ${problem}`);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  if (failures.length > 0)
    throw new Error(`${failures.length} of ${count} answers were wrong, e.g. ${failures[0]}`);
  return { latencies, seconds, byView };
}

function checkPage(e: Expected, status: number, html: string): string | null {
  if (status !== 200) return `status ${status}`;
  // React separates adjacent text with <!-- -->; the table's footer reads "N members · page 1 of M".
  const text = html.replaceAll("<!-- -->", "");
  const pages = Math.max(1, Math.ceil(e.total / 25));
  const footer = `${e.total} member${e.total === 1 ? "" : "s"} · page 1 of ${pages}`;
  if (!text.includes(footer)) return `no "${footer}" on the page`;
  if (e.firstLoginId && !text.includes(e.firstLoginId)) return `${e.firstLoginId} not on the page`;
  return null;
}

function checkJson(e: Expected, status: number, body: string): string | null {
  if (status !== 200) return `status ${status}`;
  const page = JSON.parse(body) as { total: number; rows: { loginId: string }[] };
  if (page.total !== e.total) return `total ${page.total}, expected ${e.total}`;
  if ((page.rows[0]?.loginId ?? null) !== e.firstLoginId)
    return `first row ${page.rows[0]?.loginId}, expected ${e.firstLoginId}`;
  return null;
}

async function main() {
  // Latency at concurrency 4 on a small machine depends on what else runs: say so in the output.
  const loadBefore = os.loadavg()[0]!;
  const { url: databaseUrl, cleanup } = await benchDatabase();
  const sql = postgres(databaseUrl, { max: 2, onnotice: () => {} });
  const children: ChildProcess[] = [];
  try {
    const seedStart = performance.now();
    const tenantId = await seedMembers(sql, MEMBERS);
    console.error(
      `seeded ${MEMBERS.toLocaleString("en")} members in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`,
    );
    const views = await expectations(sql, tenantId);
    console.error(
      `views (matching members): ${views.map((v) => `${decodeURIComponent(v.search)} ${v.total}`).join(", ")}`,
    );

    const env = benchAppEnv(databaseUrl, { BENCH_TENANT_ID: tenantId });

    await productionBuild(env);

    const port = await freePort();
    const app = await startServer(
      process.execPath,
      nextStartArgs(port),
      env,
      `http://127.0.0.1:${port}/`,
    );
    children.push(app.child);
    const cookie = await signIn(app.url, TENANT_SLUG, ADMIN_LOGIN, ADMIN_PASSWORD);
    await load(app.url, views, WARM_UP, (v) => v.path, checkPage, cookie);
    const pageCpu0 = cpuMs(app.child.pid);
    const page = await load(app.url, views, REQUESTS, (v) => v.path, checkPage, cookie);
    const pageCpu = (cpuMs(app.child.pid) - pageCpu0) / REQUESTS;
    await stopGroup(app.child);

    const bare = await startServer(
      process.execPath,
      [...cpuProfileArgs("bare"), "--import", "tsx", "scripts/bench/members-server.ts"],
      env,
    );
    children.push(bare.child);
    await load(bare.url, views, WARM_UP, (v) => `/${v.search}`, checkJson);
    const limitCpu0 = cpuMs(bare.child.pid);
    const limit = await load(bare.url, views, REQUESTS, (v) => `/${v.search}`, checkJson);
    const limitCpu = (cpuMs(bare.child.pid) - limitCpu0) / REQUESTS;

    const stats = (latencies: number[]) => {
      const sorted = [...latencies].sort((a, b) => a - b);
      const ms = (p: number) => Math.round(percentile(sorted, p) * 10) / 10;
      return { p50: ms(0.5), p95: ms(0.95), p99: ms(0.99) };
    };
    const pageStats = stats(page.latencies);
    const limitStats = stats(limit.latencies);
    // CPU per GET (the server process's user + system time): what a busy machine disturbs least.
    for (const [label, s, r, cpu] of [
      ["next start, signed in", pageStats, page, pageCpu],
      ["bare node:http, listMembers", limitStats, limit, limitCpu],
    ] as const) {
      console.error(
        `${label}: ${REQUESTS} GETs at concurrency ${CONCURRENCY} in ${r.seconds.toFixed(2)} s, p50 ${s.p50} ms, p95 ${s.p95} ms, p99 ${s.p99} ms, server CPU ${cpu.toFixed(1)} ms per GET`,
      );
    }
    // Where the tail comes from: each view's median, slowest first.
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const slowest = views
      .map((v) => ({
        view: decodeURIComponent(v.search),
        page: median(page.byView.get(v.search)!),
        bare: median(limit.byView.get(v.search)!),
      }))
      .sort((a, b) => b.page - a.page);
    console.error(
      `median per view, page / bare (ms): ${slowest.map((s) => `${s.view} ${s.page.toFixed(0)} / ${s.bare.toFixed(0)}`).join(", ")}`,
    );
    console.error(
      `machine: ${machine()}, load average ${loadBefore.toFixed(1)} before and ${os.loadavg()[0]!.toFixed(1)} after; every answer was 200 with the expected count and first row`,
    );
    report({
      bench: "members",
      value: pageStats.p95,
      unit: "ms p95",
      limit: limitStats.p95,
      ratio: limitStats.p95 / pageStats.p95,
      n: REQUESTS,
      members: MEMBERS,
      concurrency: CONCURRENCY,
      p50_ms: pageStats.p50,
      p99_ms: pageStats.p99,
      limit_p50_ms: limitStats.p50,
      limit_p99_ms: limitStats.p99,
      cpu_ms_per_get: Math.round(pageCpu * 10) / 10,
      limit_cpu_ms_per_get: Math.round(limitCpu * 10) / 10,
    });
  } finally {
    for (const child of children) await stopGroup(child);
    await sql.end();
    await cleanup();
  }
}

runBench(main);
