/**
 * bench:export — the unsent ledger's workbook for a tenant with 100,000 unsent mails (every case,
 * every unsent state), downloaded through the route handler under `next start`, signed in as the
 * tenant's admin: time to first byte, total time, and the server's peak memory growth (the RSS of
 * its process group, sampled every 20 ms, over what it held before the request). The limit in the
 * same run: exceljs's WorkbookWriter writing the same rows (read from the database beforehand, not
 * timed) into a stream that discards them. The download is read back and its row counts checked.
 * Five rounds, a download then the limit in each (on a two-core machine the same run varies by up
 * to half from one to the next): the medians are reported, first byte and memory at their worst.
 * Also the CPU time each took, which such noise disturbs far less: the server's and PostgreSQL's
 * for a download, the bench process's (exceljs with its compression threads) for the limit.
 * `-- --quick`: 10,000 rows.
 */
import type { ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import ExcelJS from "exceljs";
import { read } from "xlsx";
import postgres from "postgres";
import { freePort } from "../lib/embedded-postgres";
import { stopGroup } from "../lib/processes";
import {
  benchAppEnv,
  groupPids,
  groupUsage,
  benchDatabase,
  nextStartArgs,
  pidsRss,
  postgresCpuMs,
  machine,
  productionBuild,
  quick,
  report,
  runBench,
  startServer,
} from "./common";
import { seedLedger } from "./export-data";
import { ADMIN_LOGIN, ADMIN_PASSWORD, seedMembers, TENANT_SLUG } from "./members-data";
import { signIn } from "./sign-in";

const ROWS = quick ? 10_000 : 100_000;
const ROUNDS = 5;
const CASE_SHEETS = [
  "Invitation, not started",
  "Invitation, already started",
  "Message notice",
  "Password reset",
  "Login code",
];

const groupRss = (pgid: number) => groupUsage(pgid).rss;
const groupCpuMs = (pgid: number) => groupUsage(pgid).cpuMs;

/**
 * GETs `url` into a file: time to first byte and in all, the peak RSS of the server's group, and
 * the CPU time the server's group and PostgreSQL used meanwhile.
 */
async function download(url: string, cookie: string, file: string, pgid: number) {
  const before = groupRss(pgid);
  const cpuBefore = { app: groupCpuMs(pgid), db: postgresCpuMs() };
  let peak = before;
  // Only the server's own processes are read while the download runs (`pidsRss`).
  const pids = groupPids(pgid);
  const sampler = setInterval(() => (peak = Math.max(peak, pidsRss(pids))), 20);
  const started = performance.now();
  let ttfb = 0;
  const chunks: Buffer[] = [];
  const status = await new Promise<number>((resolve, reject) => {
    http
      .get(url, { headers: { cookie } }, (res) => {
        res.once("data", () => (ttfb = performance.now() - started));
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve(res.statusCode ?? 0));
        res.on("error", reject);
      })
      .on("error", reject);
  });
  const total = performance.now() - started;
  const cpu = {
    app: (groupCpuMs(pgid) - cpuBefore.app) / 1000,
    db: (postgresCpuMs() - cpuBefore.db) / 1000,
  };
  clearInterval(sampler);
  peak = Math.max(peak, groupRss(pgid));
  await writeFile(file, Buffer.concat(chunks));
  return {
    status,
    ttfb: ttfb / 1000,
    total: total / 1000,
    bytes: chunks.reduce((a, c) => a + c.length, 0),
    growth: peak - before,
    cpu,
  };
}

/**
 * Row counts of each sheet (the header left out), read back with SheetJS: a reader independent of
 * exceljs, which wrote the file. exceljs's own streaming reader can meet a sheet before the
 * workbook's list of sheets and then gives it no name (exceljs#3064); once in about 30 runs the
 * check failed with that reader, its message lost, and this is the likeliest cause.
 */
function sheetRows(file: string): Record<string, number> {
  const book = read(readFileSync(file), { dense: true });
  const counts: Record<string, number> = {};
  for (const name of book.SheetNames) {
    const data = (book.Sheets[name] as { "!data"?: unknown[] })["!data"] ?? [];
    counts[name] = data.filter(Boolean).length - 1;
  }
  return counts;
}

const DATE: Partial<ExcelJS.Style> = { numFmt: "yyyy-mm-dd hh:mm" };
const PLAIN: Partial<ExcelJS.Style> = {};

/**
 * The limit: the same cells written by exceljs alone into a stream that keeps nothing; seconds, and
 * CPU seconds of this process (its compression runs on libuv's threads).
 */
async function exceljsOnly(rows: unknown[][][]): Promise<{ s: number; cpu: number }> {
  const sink = new Writable({ write: (_chunk, _enc, done) => done() });
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: sink,
    useStyles: true,
    useSharedStrings: false,
  });
  const summary = workbook.addWorksheet("Summary", { views: [{ state: "frozen", ySplit: 1 }] });
  summary.columns = ["Case", "Still to do", "Resolved", "What it means", "What to do"].map(
    (header) => ({ header, width: 20 }),
  );
  summary.getRow(1).font = { bold: true };
  summary.commit();
  for (const [i, name] of CASE_SHEETS.entries()) {
    // The options WorkbookWriter takes (lib/export/xlsx passes the same): the typings omit autoFilter.
    const sheet = workbook.addWorksheet(name, {
      views: [{ state: "frozen", ySplit: 1 }],
      autoFilter: "A1:K1",
    } as Partial<ExcelJS.AddWorksheetOptions>);
    sheet.columns = Array.from({ length: 11 }, (_, k) => ({
      header: `Column ${k + 1}`,
      width: 20,
    }));
    sheet.getRow(1).font = { bold: true };
    sheet.getRow(1).commit();
    for (const values of rows[i]!) {
      const row = sheet.addRow(values);
      // The cell styles as lib/export/xlsx sets them: one shared object per kind of cell.
      (row as unknown as { style: object }).style = PLAIN;
      for (let c = 1; c <= values.length; c++)
        row.getCell(c).style = c === 7 || c === 8 ? DATE : PLAIN;
      row.commit();
    }
    sheet.commit();
  }
  await workbook.commit();
  const cpu = process.cpuUsage(cpuBefore);
  return { s: (performance.now() - started) / 1000, cpu: (cpu.user + cpu.system) / 1e6 };
}

/** The same cells the route writes, read from its own query beforehand (not timed). */
async function sameRows(databaseUrl: string, tenantId: string): Promise<unknown[][][]> {
  process.env.DATABASE_URL = databaseUrl;
  const { ledgerCursor } = await import("@/lib/unsent/ledger");
  const { whatToDo, CASE_TEXT, MEMBER_STATUS_TEXT, UNSENT_CASES } =
    await import("@/lib/unsent/cases");
  const { reasonText, STATUS_LABEL } = await import("@/lib/mail/reasons");
  const { neutralise } = await import("@/lib/export/xlsx");
  const { closeDb } = await import("@/db/client");
  const out: unknown[][][] = UNSENT_CASES.map(() => []);
  for await (const r of ledgerCursor({ tenantId }, {}, "UTC")) {
    out[UNSENT_CASES.indexOf(r.unsentCase)]!.push(
      [
        r.loginId,
        r.name,
        r.address,
        CASE_TEXT[r.unsentCase].short,
        `${STATUS_LABEL[r.status]}${r.reason ? `: ${reasonText(r.reason)}` : ""}`,
        r.attempts,
        r.firstLocal,
        r.lastLocal,
        MEMBER_STATUS_TEXT[r.memberStatus],
        r.resolvedBy ? "Resolved" : "To do",
        whatToDo(r),
      ].map((v) => neutralise(v as string)),
    );
  }
  await closeDb();
  return out;
}

async function main() {
  const loadBefore = os.loadavg()[0]!;
  const { url: databaseUrl, cleanup } = await benchDatabase();
  const sql = postgres(databaseUrl, { max: 2, onnotice: () => {} });
  const children: ChildProcess[] = [];
  const dir = await mkdtemp(path.join(os.tmpdir(), "sendwell-bench-export-"));
  try {
    const tenantId = await seedMembers(sql, ROWS);
    const expected = await seedLedger(sql, tenantId, ROWS);
    const seeded = Object.values(expected).reduce((a, b) => a + b, 0);
    console.error(
      `seeded ${seeded.toLocaleString("en")} unsent mails: ${JSON.stringify(expected)}`,
    );

    const env = benchAppEnv(databaseUrl);
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
    const route = `${app.url}/t/${TENANT_SLUG}/admin/unsent/export`;
    // Warm-up: the route compiled and connected, on an empty period.
    const warm = await download(
      `${route}?period=1d&reason=none_at_all`,
      cookie,
      path.join(dir, "warm.xlsx"),
      app.child.pid!,
    );
    if (warm.status !== 200) throw new Error(`warm-up answered ${warm.status}`);
    await new Promise((r) => setTimeout(r, 1_000));
    const rows = await sameRows(databaseUrl, tenantId);
    const rounds: {
      got: Awaited<ReturnType<typeof download>>;
      limit: Awaited<ReturnType<typeof exceljsOnly>>;
    }[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const got = await download(
        `${route}?period=all&show=all`,
        cookie,
        path.join(dir, "ledger.xlsx"),
        app.child.pid!,
      );
      if (got.status !== 200) throw new Error(`the download answered ${got.status}`);
      const limit = await exceljsOnly(rows);
      console.error(
        `round ${i + 1}: next start: first byte ${got.ttfb.toFixed(2)} s, all ${(got.bytes / 2 ** 20).toFixed(1)} MB in ${got.total.toFixed(2)} s (CPU ${got.cpu.app.toFixed(2)} s server, ${got.cpu.db.toFixed(2)} s PostgreSQL), server RSS growth ${(got.growth / 2 ** 20).toFixed(0)} MB; exceljs alone: ${limit.s.toFixed(2)} s (CPU ${limit.cpu.toFixed(2)} s)`,
      );
      rounds.push({ got, limit });
    }
    await stopGroup(app.child);

    const counts = sheetRows(path.join(dir, "ledger.xlsx"));
    const cases = [
      "invitation_new",
      "invitation_active",
      "message_notice",
      "password_reset",
      "login_code",
    ];
    for (const [i, name] of CASE_SHEETS.entries()) {
      if (counts[name] !== (expected[cases[i]!] ?? 0))
        throw new Error(
          `${name}: ${counts[name]} rows in the workbook, ${expected[cases[i]!] ?? 0} in the database`,
        );
    }

    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const total = median(rounds.map((r) => r.got.total));
    const limit = median(rounds.map((r) => r.limit.s));
    const cpu = {
      app: median(rounds.map((r) => r.got.cpu.app)),
      db: median(rounds.map((r) => r.got.cpu.db)),
      limit: median(rounds.map((r) => r.limit.cpu)),
    };
    const ttfb = Math.max(...rounds.map((r) => r.got.ttfb));
    const mem = Math.max(...rounds.map((r) => r.got.growth)) / 2 ** 20;
    console.error(
      `medians of ${ROUNDS}: the download ${total.toFixed(2)} s (CPU ${cpu.app.toFixed(2)} s server, ${cpu.db.toFixed(2)} s PostgreSQL), exceljs alone ${limit.toFixed(2)} s (CPU ${cpu.limit.toFixed(2)} s); worst first byte ${ttfb.toFixed(2)} s, worst server RSS growth ${mem.toFixed(0)} MB; workbook rows per sheet ${JSON.stringify(counts)} (equal to the database)`,
    );
    console.error(
      `machine: ${machine()}, load average ${loadBefore.toFixed(1)} before and ${os.loadavg()[0]!.toFixed(1)} after`,
    );
    report({
      bench: "export",
      value: total,
      unit: "s",
      limit,
      ratio: limit / total,
      n: seeded,
      ttfb_s: Math.round(ttfb * 1000) / 1000,
      mem_mb: Math.round(mem),
      cpu_app_s: Math.round(cpu.app * 100) / 100,
      cpu_db_s: Math.round(cpu.db * 100) / 100,
      cpu_limit_s: Math.round(cpu.limit * 100) / 100,
      bytes: rounds[0]!.got.bytes,
    });
  } finally {
    for (const child of children) await stopGroup(child);
    await sql.end();
    await cleanup();
    await rm(dir, { recursive: true, force: true });
  }
}

runBench(main);
