/**
 * `npm run demo` (build + the app server, scripts/server.ts), `npm run dev` (next dev) and the e2e
 * server (the app server).
 * Without DATABASE_URL it starts embedded PostgreSQL (data kept in .data/pg), migrates, seeds once
 * and serves; Ctrl-C stops the app and PostgreSQL.
 */
import { randomBytes } from "node:crypto";
import { createWriteStream, existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import type { ChildProcess } from "node:child_process";
import type { Server } from "node:http";
import postgres from "postgres";
import { migrateDatabase } from "@/db/migrate";
import { DEMO_LOGINS, DEMO_PASSWORD, seedDemo } from "@/db/seed";
import { databaseUrl, startEmbeddedPostgres, type RunningPostgres } from "./lib/embedded-postgres";
import { startLocalSesProcess } from "./lib/local-ses";
import { startSesFaultProxy } from "./lib/ses-fault-proxy";
import {
  FeedbackSimulator,
  makeSigningCertificate,
  SIMULATOR_TOPIC_ARN,
} from "@/sim/feedback-simulator";
import { freePort } from "./lib/embedded-postgres";
import { run, start, stopGroup } from "./lib/processes";
import { E2E_LOG_SECRETS, E2E_SERVER_LOG } from "./lib/e2e-log";

type Mode = "demo" | "dev" | "e2e";
const mode = (process.argv[2] ?? "demo") as Mode;
if (!["demo", "dev", "e2e"].includes(mode)) {
  console.error(`Unknown mode "${mode}": use demo, dev or e2e.`);
  process.exit(2);
}
const port = Number(process.env.PORT ?? (mode === "e2e" ? 3100 : 3000));
const log = (line: string) => console.log(`[sendwell] ${line}`);

let embedded: RunningPostgres | undefined;
let app: ChildProcess | undefined;
let localSes: ChildProcess | undefined;
let simulator: FeedbackSimulator | undefined;
let faultProxy: Server | undefined;
let stopping = false;

async function shutdown(code: number): Promise<void> {
  // Stopping the app makes it exit, which calls this again: the first call finishes the job (an
  // early exit here used to leave local SES running after every browser-test run).
  if (stopping) return;
  stopping = true;
  simulator?.stop();
  faultProxy?.close();
  faultProxy?.closeAllConnections();
  // Together, not one after the other: when the app is slow to stop, whoever stops us (Playwright
  // after its grace period) must not find local SES still running in its own process group.
  await Promise.all([app && stopGroup(app), localSes && stopGroup(localSes)]);
  if (embedded) {
    log("stopping PostgreSQL…");
    await embedded.stop().catch(() => {});
  }
  process.exit(code);
}
process.on("SIGINT", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));

async function authSecret(): Promise<string> {
  if (process.env.AUTH_SECRET) return process.env.AUTH_SECRET;
  // The demo keeps its secret beside its data so sessions survive a restart.
  const file = ".data/auth-secret";
  if (existsSync(file)) return (await readFile(file, "utf8")).trim();
  const secret = randomBytes(32).toString("base64url");
  await mkdir(".data", { recursive: true });
  await writeFile(file, secret, { mode: 0o600 });
  return secret;
}

/** For e2e: a fresh database beside the one DATABASE_URL names, so runs never see old data. */
async function freshDatabase(serverUrl: string, name: string): Promise<string> {
  const sql = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(`drop database if exists "${name}" with (force)`);
    await sql.unsafe(`create database "${name}"`);
  } finally {
    await sql.end();
  }
  return databaseUrl(serverUrl, name);
}

async function waitForHttp(url: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !stopping) {
    try {
      await fetch(url, { signal: AbortSignal.timeout(5_000) });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 300));
    }
  }
}

async function main() {
  let url = process.env.DATABASE_URL;
  if (!url) {
    log("no DATABASE_URL: starting embedded PostgreSQL (data in .data/pg)…");
    embedded = await startEmbeddedPostgres({ dir: ".data/pg", persistent: true });
    const server = embedded.url;
    url = databaseUrl(server, "sendwell");
    const sql = postgres(server, { max: 1, onnotice: () => {} });
    const [exists] = await sql`select 1 from pg_database where datname = 'sendwell'`;
    if (!exists) await sql`create database sendwell`;
    await sql.end();
  }
  if (mode === "e2e") {
    const base = new URL(url).pathname.slice(1) || "postgres";
    url = await freshDatabase(url, `${base}_e2e`);
    // The browser tests read it to arrange what no page can do yet (e.g. disable a member).
    await mkdir(".data", { recursive: true });
    await writeFile(".data/e2e-database-url", url);
  }
  await migrateDatabase(url);
  const { created } = await seedDemo(url);
  log(created ? "database migrated and demo data created" : "database migrated");

  let sesEndpoint = process.env.SES_ENDPOINT;
  if (!sesEndpoint && !process.env.AWS_ACCESS_KEY_ID) {
    // No SES configured: local SES, mail visible at its address. The demo's is on the usual 8005.
    const sesPort = mode === "e2e" ? await freePort() : Number(process.env.LOCAL_SES_PORT ?? 8005);
    const ses = await startLocalSesProcess(sesPort);
    localSes = ses.child;
    sesEndpoint = ses.url;
    log(`local SES at ${ses.url} (received mail at ${ses.url}/)`);
  }
  if (mode === "e2e") await writeFile(".data/e2e-ses-url", sesEndpoint ?? "");
  // The app reaches local SES through a switch the browser tests flip to play an SES pause.
  let appSesEndpoint = sesEndpoint;
  if (mode === "e2e" && localSes && sesEndpoint) {
    const proxy = await startSesFaultProxy(await freePort(), sesEndpoint);
    faultProxy = proxy.server;
    appSesEndpoint = proxy.url;
    await writeFile(".data/e2e-ses-fault-url", proxy.url);
  }

  // With local SES, the feedback simulator plays SES and SNS: it signs with a certificate made now,
  // which the app is told to trust (env.ts refuses that unless SES is local).
  let feedback: { certFile: string; privateKeyPem: string } | undefined;
  if (localSes) {
    const { privateKeyPem, certPem } = await makeSigningCertificate();
    await mkdir(".data", { recursive: true });
    const certFile = ".data/sns-simulator-cert.pem";
    await writeFile(certFile, certPem);
    feedback = { certFile, privateKeyPem };
  }

  const childEnv = {
    ...process.env,
    SES_ENDPOINT: appSesEndpoint,
    SES_FROM_ADDRESS: process.env.SES_FROM_ADDRESS ?? "Sendwell Demo <no-reply@sendwell.localhost>",
    // Outside DNS is often unreachable on a laptop or CI; the offline resolver knows the demo's domains.
    ADDRESS_DNS: process.env.ADDRESS_DNS ?? "offline",
    ...(feedback
      ? {
          SNS_TRUSTED_CERT_FILE: feedback.certFile,
          SNS_TOPIC_ARNS: [process.env.SNS_TOPIC_ARNS, SIMULATOR_TOPIC_ARN]
            .filter(Boolean)
            .join(","),
        }
      : {}),
    DATABASE_URL: url,
    AUTH_SECRET: await authSecret(),
    AUTH_TRUST_HOST: "true",
    PUBLIC_URL: process.env.PUBLIC_URL ?? `http://localhost:${port}`,
    NEXT_TELEMETRY_DISABLED: "1",
    PORT: String(port),
  };
  const next = "node_modules/.bin/next";
  if (mode === "demo") {
    log("building the app (about a minute)…");
    const code = await run(next, ["build"], { env: childEnv });
    if (code !== 0) return shutdown(code);
  }
  // The e2e run keeps the app's output (as well as showing it): its teardown checks that no secret,
  // token, password or list of addresses was ever logged (e2e/global-teardown.ts).
  const capture = mode === "e2e" ? createWriteStream(E2E_SERVER_LOG) : undefined;
  if (capture) {
    await writeFile(
      E2E_LOG_SECRETS,
      JSON.stringify(
        [childEnv.AUTH_SECRET, DEMO_PASSWORD, feedback?.privateKeyPem].filter(Boolean),
      ),
      { mode: 0o600 },
    );
  }
  // The demo and the e2e run serve as production does (`npm start`: scripts/server.ts, the SES
  // webhook before Next.js on the same port); `npm run dev` is `next dev`, its route answering it.
  // The demo and the e2e run serve as production does (`npm start`: scripts/server.ts, the SES
  // webhook before Next.js on the same port); `npm run dev` is `next dev`, its route answering it.
  const [command, args] =
    mode === "dev"
      ? [next, ["dev", "-p", String(port)]]
      : [process.execPath, ["--import", "tsx/esm", "scripts/server.ts", "-p", String(port)]];
  app = start(command, args, {
    env: mode === "dev" ? childEnv : { ...childEnv, NODE_ENV: "production" },
    ...(capture ? { stdio: ["ignore", "pipe", "pipe"] } : {}),
  });
  if (capture) {
    app.stdout?.on("data", (chunk: Buffer) => (capture.write(chunk), process.stdout.write(chunk)));
    app.stderr?.on("data", (chunk: Buffer) => (capture.write(chunk), process.stderr.write(chunk)));
  }
  app.on("exit", (code) => void shutdown(code ?? 0));

  if (feedback && sesEndpoint) {
    await waitForHttp(`http://127.0.0.1:${port}/`);
    const list = (name: string, fallback: string) =>
      new Set(
        (process.env[name] ?? fallback)
          .split(",")
          .map((s) => s.trim().toLowerCase())
          .filter(Boolean),
      );
    simulator = new FeedbackSimulator({
      sesUrl: sesEndpoint,
      webhookUrl: `http://127.0.0.1:${port}/api/webhooks/ses`,
      privateKeyPem: feedback.privateKeyPem,
      // The demo's seeded typo (gmial.com) and dead mailbox bounce, as they would in real life.
      deadDomains: list("FEEDBACK_DEAD_DOMAINS", "gmial.com"),
      deadMailboxes: list("FEEDBACK_DEAD_MAILBOXES", "ava@bounce.example.org"),
      // The demo's sample file of dead addresses (public/samples) is at this domain.
      deadMailboxDomains: list("FEEDBACK_DEAD_MAILBOX_DOMAINS", "bounce.example.org"),
      delayMs: Number(process.env.FEEDBACK_DELAY_MS ?? 1_000),
      log: (m) => log(`feedback simulator: ${m}`),
    });
    simulator.start(500);
    if (mode !== "e2e") log("feedback simulator running: SES events reach /api/webhooks/ses");
  }

  if (mode !== "e2e") {
    await waitForHttp(`http://127.0.0.1:${port}/`);
    log(`Sendwell is at http://localhost:${port} — Ctrl-C stops it.`);
    log("demo logins (password for all: " + DEMO_PASSWORD + "):");
    for (const l of DEMO_LOGINS) {
      console.log(
        `    ${l.who.padEnd(36)} http://localhost:${port}${l.url.padEnd(20)} ${l.loginId}`,
      );
    }
  }
}

main().catch((error) => {
  console.error(error);
  void shutdown(1);
});
