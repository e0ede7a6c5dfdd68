import { randomBytes } from "node:crypto";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import type { TestProject } from "vitest/node";
import { migrateDatabase } from "../db/migrate";
import {
  databaseUrl,
  freePort,
  startEmbeddedPostgres,
  type RunningPostgres,
} from "../scripts/lib/embedded-postgres";
import { startLocalSesProcess } from "../scripts/lib/local-ses";
import { stopGroup } from "../scripts/lib/processes";

declare module "vitest" {
  export interface ProvidedContext {
    pgServerUrl: string;
    pgTemplate: string;
    sesUrl: string;
  }
}

/**
 * Uses DATABASE_URL's server when set (CI) and an embedded PostgreSQL otherwise. Migrates one
 * template database; each test file then gets its own copy (test/db-file-setup.ts).
 */
export default async function setup(project: TestProject) {
  let embedded: RunningPostgres | undefined;
  let serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    embedded = await startEmbeddedPostgres({
      dir: path.join(os.tmpdir(), `sendwell-vitest-${process.pid}`),
      persistent: false,
    });
    serverUrl = embedded.url;
  }
  const template = `sendwell_tpl_${randomBytes(4).toString("hex")}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${template}"`);
  await migrateDatabase(databaseUrl(serverUrl, template));
  project.provide("pgServerUrl", serverUrl);
  project.provide("pgTemplate", template);
  // Real local SES for the mail tests; a high send rate so the rate limit is not what they measure.
  // A separate process: loaded into vitest's own, local SES left failing runs exiting 0.
  const ses = await startLocalSesProcess(await freePort(), 100_000);
  project.provide("sesUrl", ses.url);

  return async () => {
    // Hold the event loop open: once the last socket closes, Node would exit mid-teardown with
    // code 0, before vitest sets the failing exit code (seen: failing runs exiting 0).
    const keepAlive = setInterval(() => {}, 1_000);
    try {
      await admin.unsafe(`drop database if exists "${template}" with (force)`);
      await admin.end();
      await stopGroup(ses.child);
      await embedded?.stop();
    } finally {
      clearInterval(keepAlive);
    }
  };
}
