/**
 * bench:webhook's ceiling: what `next start` costs before any of our code runs. A route-only Next.js
 * app (written to .data/bench-floor-app, built with this project's next and its next.config.mjs)
 * whose POST /api/webhooks/ses reads nothing and answers 200, against a bare node:http server doing
 * the same, under bench:webhook's load generator (the same signed bodies, concurrency 32).
 * Next.js builds the project's instrumentation.ts and proxy.ts into that app too (they sit at the
 * project's root), so the floor includes them as `next start` runs them: the proxy's matcher skips
 * /api, and instrumentation starts what it starts under bench:webhook's settings (dispatcher and
 * applier off), on a throw-away database. `-- --quick` posts 2,000 (else 20,000).
 *
 *   npx tsx scripts/bench/webhook-floor.ts [--quick]
 */
import type { ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { createSigningIdentity } from "@/sim/sns-signing";
import { freePort } from "../lib/embedded-postgres";
import { run, stopGroup } from "../lib/processes";
import {
  benchAppEnv,
  benchDatabase,
  cpuMs,
  cpuProfileArgs,
  machine,
  percentile,
  quick,
  report,
  runBench,
  startServer,
} from "./common";
import { load, makeTraffic, type LoadResult } from "./webhook-data";

const TOTAL = quick ? 2_000 : 20_000;
const CONCURRENCY = 32;
const APP = path.resolve(".data/bench-floor-app");

const EMPTY_ROUTE = `export function POST() {
  return new Response(null, { status: 200 });
}
`;

const BARE_SERVER = `import http from "node:http";
const server = http.createServer((req, res) => {
  req.resume();
  req.on("end", () => res.writeHead(200).end());
});
server.listen(0, "127.0.0.1", () => console.log("ready " + server.address().port));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
`;

async function main() {
  rmSync(APP, { recursive: true, force: true });
  mkdirSync(path.join(APP, "app/api/webhooks/ses"), { recursive: true });
  writeFileSync(path.join(APP, "app/api/webhooks/ses/route.js"), EMPTY_ROUTE);
  // Our next.config (its response headers apply to every route) so the floor is this app's.
  copyFileSync("next.config.mjs", path.join(APP, "next.config.mjs"));
  writeFileSync(path.join(APP, "bare-server.mjs"), BARE_SERVER);
  const { url: databaseUrl, cleanup } = await benchDatabase();
  const env = benchAppEnv(databaseUrl, { FEEDBACK_APPLIER: "off", NODE_ENV: "production" });
  const next = "node_modules/next/dist/bin/next";
  if ((await run(process.execPath, [next, "build", APP], { env, stdio: "ignore" })) !== 0)
    throw new Error(`next build ${APP} failed`);

  // Representative bodies: signed SNS notifications as bench:webhook posts them.
  const identity = createSigningIdentity();
  const mails = Array.from({ length: Math.round(TOTAL / 1.1) }, (_, i) => ({
    ses: `floor-${i}-${randomUUID()}`,
    to: `m${i}@school.example.com`,
    tenant: randomUUID(),
  }));
  const { bodies } = makeTraffic(mails, TOTAL, identity.privateKeyPem);

  const children: ChildProcess[] = [];
  const measure = async (server: { child: ChildProcess; url: string }) => {
    children.push(server.child);
    const endpoint = `${server.url}/api/webhooks/ses`;
    await load(endpoint, bodies.slice(0, 200), CONCURRENCY);
    const cpu0 = cpuMs(server.child.pid);
    const result = await load(endpoint, bodies, CONCURRENCY);
    const cpuPerRequest = (cpuMs(server.child.pid) - cpu0) / TOTAL;
    await stopGroup(server.child);
    if (result.statuses.get(200) !== TOTAL)
      throw new Error(`not every answer was 200: ${JSON.stringify([...result.statuses])}`);
    return { ...result, cpuPerRequest };
  };
  try {
    const port = await freePort();
    const nextResult = await measure(
      await startServer(
        process.execPath,
        [...cpuProfileArgs("floor-next-start"), next, "start", APP, "-p", String(port)],
        env,
        `http://127.0.0.1:${port}/`,
      ),
    );
    const bareResult = await measure(
      await startServer(process.execPath, [path.join(APP, "bare-server.mjs")], env),
    );
    const line = (label: string, r: LoadResult & { cpuPerRequest: number }) => {
      const sorted = [...r.latencies].sort((a, b) => a - b);
      console.error(
        `${label}: ${TOTAL} posts in ${r.seconds.toFixed(2)} s, ${(TOTAL / r.seconds).toFixed(0)}/s, p50 ${percentile(sorted, 0.5).toFixed(1)} ms, p99 ${percentile(sorted, 0.99).toFixed(1)} ms, server CPU ${r.cpuPerRequest.toFixed(2)} ms a request`,
      );
    };
    line("empty route handler, next start", nextResult);
    line("empty handler, bare node:http", bareResult);
    console.error(`machine: ${machine()}`);
    const value = TOTAL / nextResult.seconds;
    const limit = TOTAL / bareResult.seconds;
    report({
      bench: "webhook-floor",
      value,
      unit: "requests/s",
      limit,
      ratio: value / limit,
      n: TOTAL,
      cpu_ms: Math.round(nextResult.cpuPerRequest * 100) / 100,
      limit_cpu_ms: Math.round(bareResult.cpuPerRequest * 100) / 100,
    });
  } finally {
    for (const child of children) await stopGroup(child);
    await cleanup();
  }
}

runBench(main);
