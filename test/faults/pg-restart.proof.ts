/**
 * Fault injection (issue 15, item 1): PostgreSQL itself restarted while the dispatcher, the feedback
 * applier and the SES webhook are all busy. The machine's PostgreSQL is shared, so this file runs
 * on a PostgreSQL of its own (the embedded one `npm run demo` uses), stops it with queries and
 * transactions in flight, leaves it down (every connection attempt refused) and starts it again,
 * twice. What must hold afterwards is in ./db-fault-run.ts: nothing lost, duplicates only inside the
 * lease window and counted, nothing uncaught. Run with `npm run proof:pg-restart`.
 */
import { rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { afterAll, beforeAll, describe, it } from "vitest";
import { migrateDatabase } from "@/db/migrate";
import type { SesTransport } from "@/lib/mail/transport";
import {
  databaseUrl,
  startEmbeddedPostgres,
  type RunningPostgres,
} from "@/scripts/lib/embedded-postgres";
import type { SesFaultProxy } from "@/scripts/lib/ses-fault-proxy";
import { proveNothingLost } from "./db-fault-run";
import { sesBehindFaultProxy, stopProxy } from "./helpers";

const RESTARTS = 2;
const DOWN_MS = Number(process.env.FAULTS_PG_DOWN_MS ?? 2_000);

const dataDir = path.join(os.tmpdir(), `sendwell-pg-restart-${process.pid}`);
let server: RunningPostgres;
let admin: postgres.Sql;
let proxy: SesFaultProxy;
let transport: SesTransport;

beforeAll(async () => {
  // Persistent: the package deletes a throw-away data directory on stop, and the restart needs it.
  server = await startEmbeddedPostgres({ dir: dataDir, persistent: true });
  const url = databaseUrl(server.url, "postgres");
  await migrateDatabase(url);
  // Nothing has used the app's pool yet (it connects lazily): from here on it is this server's.
  process.env.DATABASE_URL = url;
  ({ proxy, transport } = await sesBehindFaultProxy(5_000));
  // SES a little slow (60 ms a mail), so the sending is still going on when the server stops.
  proxy.setFault({ kind: "slow", ms: 60 });
  admin = postgres(url, { max: 1, onnotice: () => {} });
}, 120_000);
afterAll(async () => {
  await admin?.end({ timeout: 1 });
  if (proxy) await stopProxy(proxy);
  await server?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe("PostgreSQL restarted while the dispatcher, applier and webhook are busy", () => {
  it("loses no mail and no event; duplicates only inside the lease window, counted", async () => {
    await proveNothingLost(transport, admin, async () => {
      const started = Date.now();
      for (let i = 0; i < RESTARTS; i++) {
        await server.restart(DOWN_MS);
        // Work resumes between the restarts.
        await new Promise((r) => setTimeout(r, 1_500));
      }
      return {
        faults: RESTARTS,
        what: `PostgreSQL stopped and restarted ${RESTARTS} times, down ${DOWN_MS} ms each (${((Date.now() - started) / 1000).toFixed(1)} s in all)`,
      };
    });
  }, 180_000);
});
