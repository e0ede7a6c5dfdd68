import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { afterAll, inject } from "vitest";
import { closeDb } from "../db/client";
import { databaseUrl } from "../scripts/lib/embedded-postgres";

// Each test file gets its own database, copied from the migrated template: files never share rows.
const serverUrl = inject("pgServerUrl");
const name = `sendwell_t_${randomBytes(6).toString("hex")}`;
const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
await admin.unsafe(`create database "${name}" template "${inject("pgTemplate")}"`);
process.env.DATABASE_URL = databaseUrl(serverUrl, name);

afterAll(async () => {
  await closeDb();
  await admin.unsafe(`drop database if exists "${name}" with (force)`);
  await admin.end();
});
