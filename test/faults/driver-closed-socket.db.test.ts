/**
 * The postgres.js patch (scripts/patch-postgres.mjs, applied on install): a connection whose backend
 * is terminated must fail the queries given to it with a catchable error, never throw from a timer
 * (which would end the process), and the pool must answer again. On the unpatched 3.4.9 the second query below
 * throws "Cannot read properties of null (reading 'write')" as an uncaught exception
 * (porsager/postgres #1208).
 */
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isConnectionLost } from "@/db/client";
// @ts-expect-error: plain ESM script without types
import { patchSource, postgresRoot } from "@/scripts/patch-postgres.mjs";
import { readFileSync } from "node:fs";
import path from "node:path";

const url = process.env.DATABASE_URL!;
let admin: postgres.Sql;
const uncaught: unknown[] = [];
const onUncaught = (err: unknown) => uncaught.push(err);

beforeAll(() => {
  admin = postgres(url, { max: 1, onnotice: () => {} });
  process.on("uncaughtException", onUncaught);
});
afterAll(async () => {
  process.off("uncaughtException", onUncaught);
  await admin.end({ timeout: 1 });
});

/**
 * Past every wait postgres.js itself may impose: after connections fail again and again it waits
 * before reconnecting (exponential, up to 20 s), and a query waits with it. Measured here on a
 * quiet machine under the load test below: queries that waited settled after 10.6–16.9 s (CI's
 * 10 s bound failed on them). A hang, the defect patched, is a query that never settles.
 */
const HANG_MS = 30_000;

/** A query that settles within `ms` either way; "hung" if it does not. */
async function settle(q: Promise<unknown>, ms = 5_000): Promise<"ok" | "rejected" | "hung"> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"hung">((r) => (timer = setTimeout(() => r("hung"), ms)));
  const result = q.then(
    () => "ok" as const,
    () => "rejected" as const,
  );
  try {
    return await Promise.race([result, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

describe("postgres.js on a connection whose backend was terminated", () => {
  it("a reserved connection's query fails catchably, nothing escapes uncaught, and the pool answers without it", async () => {
    const sql = postgres(url, { max: 2, onnotice: () => {} });
    try {
      const reserved = await sql.reserve();
      const [row] = await reserved<{ pid: number }[]>`select pg_backend_pid() as pid`;
      await admin`select pg_terminate_backend(${row!.pid})`;
      let failure: unknown;
      const outcome = await settle(
        reserved`select 1`.catch((err) => ((failure = err), Promise.reject(err))),
        HANG_MS,
      );
      expect(outcome).toBe("rejected");
      // What the ledger's cursor relies on to skip its rollback on a dead connection.
      expect(isConnectionLost(failure)).toBe(true);
      // Further queries on the dead reserved connection may wait, and releasing it puts it back
      // among the open ones although the pool has moved it to the closed: both are postgres.js
      // 3.4.9's. The ledger's cursor (the only reserved connection) therefore drops it unreleased;
      // the pool reconnects it by itself.
      await new Promise((r) => setTimeout(r, 100));
      expect(uncaught).toEqual([]);
      // The first query after may still meet the dead connection and be refused (catchable, and
      // our callers retry); none may hang, and then the pool answers.
      const first = await Promise.all([settle(sql`select 1`), settle(sql`select 2`)]);
      expect(first).not.toContain("hung");
      await new Promise((r) => setTimeout(r, 200));
      for (let round = 1; round <= 3; round++) {
        const answers = await Promise.all([settle(sql`select 1`), settle(sql`select 2`)]);
        expect(answers, `round ${round}`).toEqual(["ok", "ok"]);
      }
    } finally {
      await sql.end({ timeout: 1 });
    }
  }, 90_000);

  it("the pool answers again after every backend was terminated under load", async () => {
    const sql = postgres(url, { max: 10, onnotice: () => {} });
    try {
      await sql`select 1`;
      let stop = false;
      const hung: string[] = [];
      // Small statements and small transactions: writes under 1 KiB wait for the timer that broke.
      const load = Array.from({ length: 20 }, async (_, i) => {
        while (!stop) {
          const outcome = await settle(
            i % 2
              ? sql`select pg_sleep(0.005), ${"x".repeat(50)}::text`
              : sql.begin(async (tx) => {
                  await tx`select pg_sleep(0.005)`;
                  await tx`select ${i}::int`;
                }),
            HANG_MS,
          );
          if (outcome === "hung") hung.push(`loop ${i}`);
        }
      });
      // Every backend terminated five times, a second apart (a restart or failover is one such
      // event). Known and not fixed: terminated every 250 ms, faster than connections finish their
      // start-up under this load, postgres.js 3.4.9 leaves a few queries waiting for good (2026-12-02:
      // 1 to 4 of 20 loops past 30 s in each of three runs); see README, "Reliability".
      for (let i = 0; i < 5; i++) {
        await admin`
          select pg_terminate_backend(pid) from pg_stat_activity
          where datname = current_database() and pid <> pg_backend_pid()`;
        await new Promise((r) => setTimeout(r, 1_000));
      }
      stop = true;
      await Promise.all(load);
      expect(uncaught).toEqual([]);
      expect(hung).toEqual([]);
      // A query given to a connection whose close has not been read yet may still be refused
      // (catchable, and our callers retry); none may hang, and the pool must then answer again.
      const first = await Promise.all(Array.from({ length: 8 }, () => settle(sql`select 1`)));
      expect(first).not.toContain("hung");
      await new Promise((r) => setTimeout(r, 200));
      const again = await Promise.all(Array.from({ length: 8 }, () => settle(sql`select 1`)));
      expect(again).toEqual(Array(8).fill("ok"));
    } finally {
      await sql.end({ timeout: 1 });
    }
  }, 90_000);
});

describe("scripts/patch-postgres.mjs", () => {
  const root: string = postgresRoot();

  it("has patched every installed copy of the driver", () => {
    for (const dir of ["src", "cjs/src", "cf/src"]) {
      const source = readFileSync(path.join(root, dir, "connection.js"), "utf8");
      expect(source, dir).toContain("sendwell: patched nextWrite");
      expect(patchSource(source).changed, dir).toBe(false);
    }
  });

  it("refuses a connection.js it does not know rather than patch it blindly", () => {
    expect(() => patchSource("function nextWrite(fn) { socket.write(chunk) }")).toThrow(
      /does not contain exactly one/,
    );
  });
});
