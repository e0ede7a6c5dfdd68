/**
 * bench:import — a 100,000-row CSV (10% with problems) through the whole bulk registration:
 * parse, validate (login IDs, suppressions, domains), store the preview, then commit (members,
 * invitation tokens and activation codes, one batch of invitations in the outbox), on PostgreSQL.
 * The limit, measured in the same run on a database of its own: COPY of the same accepted rows
 * (prepared in memory beforehand) into the same three tables in one transaction.
 * `-- --quick` runs 10,000 rows.
 */
import { randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import postgres from "postgres";
import { closeDb } from "@/db/client";
import { copyField } from "@/db/copy";
import { DomainChecker, setDefaultDomainChecker } from "@/lib/address/domain-verdict";
import type { TenantActor } from "@/lib/auth/actor";
import { OfflineResolver } from "@/lib/mail/offline-dns";
import { commitImport } from "@/lib/members/import/commit";
import { checkUpload } from "@/lib/members/import/upload";
import { hashSecret, newLinkToken } from "@/lib/members/secrets";
import { migrateDatabase } from "@/db/migrate";
import { databaseUrl } from "../lib/embedded-postgres";
import { benchDatabase, machine, quick, report, runBench } from "./common";

const ROWS = quick ? 10_000 : 100_000;

/**
 * Every tenth row has a problem: a missing login ID, a login ID used twice, a malformed address, a
 * domain that does not exist (errors), or a typo (a warning: imported as written). One good row in
 * ten has no address and gets an activation code.
 */
function memberCsv(rows: number): { text: string; accepted: number; invited: number } {
  const lines = ["login_id,name,email"];
  let accepted = 0;
  let invited = 0;
  for (let i = 0; i < rows; i++) {
    const id = `member${i}`;
    if (i % 10 === 9) {
      switch (Math.floor(i / 10) % 5) {
        case 0:
          lines.push(`,No Login ${i},nologin${i}@school${i % 300}.example.com`);
          break;
        case 1:
          // Shares its login ID with the row before it: both are refused.
          lines.push(`member${i - 1},Twin ${i},twin${i}@school${i % 300}.example.com`);
          accepted -= 1;
          invited -= 1;
          break;
        case 2:
          lines.push(`${id},Broken ${i},broken${i}.school.example.com`);
          break;
        case 3:
          lines.push(`${id},Dead ${i},dead${i}@gone${i % 20}.invalid`);
          break;
        default:
          lines.push(`${id},Typo ${i},typo${i}@gmial.com`);
          accepted += 1;
          invited += 1;
      }
    } else if (i % 10 === 0) {
      lines.push(`${id},"Member ${i}, no address",`);
      accepted += 1;
    } else {
      lines.push(`${id},山田 ${i},${id}@school${i % 300}.example.com`);
      accepted += 1;
      invited += 1;
    }
  }
  return { text: lines.join("\r\n"), accepted, invited };
}

async function setUpTenant(sql: postgres.Sql): Promise<TenantActor> {
  const [tenant] = await sql<{ id: string }[]>`
    insert into tenants (slug, name) values ('bench', 'Bench School') returning id`;
  const [admin] = await sql<{ id: string }[]>`
    insert into users (tenant_id, role, login_id, name, status)
    values (${tenant!.id}, 'admin', 'bench.admin', 'Bench Admin', 'active') returning id`;
  return {
    tenant: { id: tenant!.id, slug: "bench", name: "Bench School" },
    actor: {
      userId: admin!.id,
      sessionId: randomUUID(),
      role: "admin",
      tenantId: tenant!.id,
      loginId: "bench.admin",
      name: "Bench Admin",
      mustChangePassword: false,
    },
  };
}

/** The physical limit: the accepted rows, already as COPY text, streamed into the three tables. */
async function rawCopy(
  sql: postgres.Sql,
  tenantId: string,
  accepted: number,
  invited: number,
): Promise<number> {
  const users: string[] = [];
  const tokens: string[] = [];
  const mails: string[] = [];
  const expires = new Date(Date.now() + 7 * 86_400_000).toISOString();
  const batch = randomUUID();
  for (let i = 0; i < accepted; i++) {
    const id = randomUUID();
    const hasMail = i < invited;
    const email = hasMail ? `member${i}@school${i % 300}.example.com` : null;
    users.push(
      [
        id,
        tenantId,
        "learner",
        `member${i}`,
        `山田 ${i}`,
        email,
        email ? "unchecked" : "none",
        "invited",
      ]
        .map(copyField)
        .join("\t"),
    );
    const token = newLinkToken();
    tokens.push(
      [tenantId, id, hasMail ? "invitation" : "activation_code", hashSecret(token), expires]
        .map(copyField)
        .join("\t"),
    );
    if (hasMail) {
      mails.push(
        [
          tenantId,
          id,
          "invitation",
          "bulk",
          email,
          "invitation",
          { memberName: `山田 ${i}`, loginId: `member${i}`, token },
          batch,
        ]
          .map(copyField)
          .join("\t"),
      );
    }
  }
  const chunks = (rows: string[]) => {
    const out: string[] = [];
    for (let i = 0; i < rows.length; i += 500) out.push(rows.slice(i, i + 500).join("\n") + "\n");
    return out;
  };
  const data = { users: chunks(users), tokens: chunks(tokens), mails: chunks(mails) };
  const started = performance.now();
  const split: string[] = [];
  await sql.begin(async (tx) => {
    const copy = async (statement: postgres.PendingQuery<postgres.Row[]>, body: string[]) => {
      const at = performance.now();
      await pipeline(Readable.from(body), await statement.writable());
      split.push(`${((performance.now() - at) / 1000).toFixed(2)} s`);
    };
    await copy(
      tx`copy users (id, tenant_id, role, login_id, name, email, email_status, status) from stdin`,
      data.users,
    );
    await copy(
      tx`copy member_tokens (tenant_id, user_id, kind, token_hash, expires_at) from stdin`,
      data.tokens,
    );
    await copy(
      tx`copy outbound_emails (tenant_id, member_id, category, lane, to_address, template, params, batch_id) from stdin`,
      data.mails,
    );
  });
  console.error(
    `raw COPY: users ${split[0]}, member_tokens ${split[1]}, outbound_emails ${split[2]}`,
  );
  return (performance.now() - started) / 1000;
}

async function main() {
  const csv = memberCsv(ROWS);
  const bytes = new TextEncoder().encode(csv.text);
  setDefaultDomainChecker(new DomainChecker({ resolver: new OfflineResolver() }));
  console.error(
    `bench:import: ${ROWS.toLocaleString("en")} rows (${(bytes.byteLength / 1024 / 1024).toFixed(1)} MB), ${csv.accepted.toLocaleString("en")} acceptable, ${csv.invited.toLocaleString("en")} with an address; ${machine()}`,
  );

  // Two fresh databases on one server: ours, and one for the limit, so neither run inserts into
  // the other's indexes.
  const bench = await benchDatabase();
  const limitName = `${new URL(bench.url).pathname.slice(1)}_limit`;
  const server = postgres(bench.url, { max: 1, onnotice: () => {} });
  await server.unsafe(`create database "${limitName}"`);
  const limitUrl = databaseUrl(bench.url, limitName);
  await migrateDatabase(limitUrl);
  let checkSeconds: number;
  let commitSeconds: number;
  let copySeconds: number;
  try {
    process.env.DATABASE_URL = bench.url;
    const ctx = await setUpTenant(server);
    // Where the time goes, from the progress phases the page shows.
    // Each run starts from a checkpoint, so neither pays for the other's WAL being flushed.
    await server.unsafe("checkpoint");
    const marks: [string, number][] = [];
    const mark = ({ phase }: { phase: string }) => marks.push([phase, performance.now()]);
    const started = performance.now();
    const id = await checkUpload(ctx, { name: "members.csv", bytes }, "create_only", mark);
    const checked = performance.now();
    marks.push(["(commit)", checked]);
    const outcome = await commitImport(ctx, id, mark);
    const done = performance.now();
    marks.push(["(end)", done]);
    console.error(
      marks
        .slice(0, -1)
        .map(([phase, at], i) => `  ${phase}: ${((marks[i + 1]![1] - at) / 1000).toFixed(2)} s`)
        .join("\n"),
    );
    checkSeconds = (checked - started) / 1000;
    commitSeconds = (done - checked) / 1000;
    await closeDb();
    const [members] = await server<{ n: number }[]>`
      select count(*)::int as n from users where role = 'learner'`;
    const [mails] = await server<{ n: number }[]>`
      select count(*)::int as n from outbound_emails where batch_id = ${outcome.batchId}`;
    if (
      members!.n !== csv.accepted ||
      mails!.n !== csv.invited ||
      outcome.activationCodes !== csv.accepted - csv.invited
    ) {
      throw new Error(
        `wrong result: ${members!.n} members (expected ${csv.accepted}), ${mails!.n} invitations (expected ${csv.invited}), ${outcome.activationCodes} codes`,
      );
    }

    const limit = postgres(limitUrl, { max: 1, onnotice: () => {} });
    const limitCtx = await setUpTenant(limit);
    await limit.unsafe("checkpoint");
    copySeconds = await rawCopy(limit, limitCtx.tenant.id, csv.accepted, csv.invited);
    await limit.end();
  } finally {
    await server.unsafe(`drop database if exists "${limitName}" with (force)`);
    await server.end();
    await bench.cleanup();
  }

  const total = checkSeconds + commitSeconds;
  console.error(
    `ours: ${total.toFixed(2)} s (parse + check + preview ${checkSeconds.toFixed(2)} s, commit ${commitSeconds.toFixed(2)} s); raw COPY of the accepted rows: ${copySeconds.toFixed(2)} s`,
  );
  report({
    bench: "import",
    value: total,
    unit: "s end to end",
    limit: copySeconds,
    ratio: copySeconds / total,
    n: ROWS,
    check_s: Math.round(checkSeconds * 1000) / 1000,
    commit_s: Math.round(commitSeconds * 1000) / 1000,
    accepted: csv.accepted,
    invitations: csv.invited,
  });
}

runBench(main);
