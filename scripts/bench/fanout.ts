/**
 * bench:fanout — one message to 50,000 members: the message, its 50,000 box rows and 50,000 notices
 * queued through the outbox, in one transaction (lib/messages/post.ts, postMessage). The limit,
 * measured in the same run on a database of its own with the same members: COPY of the same rows
 * (the message, the box rows with their notice ids, the outbox rows with their parameters, already
 * as COPY text) into the same tables in one transaction. Target: COPY time / ours >= 0.5.
 *
 * Then the learner's box with 10,000 messages: listBox (what the box page reads: a page of 20 and
 * its counts, mapped) against the bare page query alone, p95 over random pages. Both run in this
 * process on the same pool size; the page's rendering by Next.js is not in either.
 *
 * `-- --quick`: 10,000 recipients and a box of 2,000 messages.
 */
import { randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { PgDialect } from "drizzle-orm/pg-core";
import postgres from "postgres";
import { closeDb } from "@/db/client";
import { copyField } from "@/db/copy";
import { migrateDatabase } from "@/db/migrate";
import type { TenantActor } from "@/lib/auth/actor";
import { databaseUrl } from "../lib/embedded-postgres";
import { benchDatabase, machine, percentile, quick, report, runBench } from "./common";

const RECIPIENTS = quick ? 10_000 : 50_000;
const BOX = quick ? 2_000 : 10_000;
const CALLS = quick ? 200 : 400;

/** A tenant, its admin and its members (COPY: set-up, not measured). */
async function setUpTenant(sql: postgres.Sql): Promise<TenantActor> {
  const [tenant] = await sql<{ id: string; slug: string; name: string }[]>`
    insert into tenants (slug, name) values ('bench', 'Bench School') returning id, slug, name`;
  const [admin] = await sql<{ id: string }[]>`
    insert into users (tenant_id, role, login_id, name, status)
    values (${tenant!.id}, 'admin', 'bench.admin', 'Bench Admin', 'active') returning id`;
  const rows: string[] = [];
  for (let i = 0; i < RECIPIENTS; i++) {
    rows.push(
      [
        tenant!.id,
        "learner",
        `member${i}`,
        `山田 ${i}`,
        `member${i}@school${i % 300}.example.com`,
        "ok",
        "active",
      ]
        .map(copyField)
        .join("\t"),
    );
  }
  await pipeline(
    Readable.from(chunks(rows)),
    await sql`copy users (tenant_id, role, login_id, name, email, email_status, status) from stdin`.writable(),
  );
  await sql`analyze users`;
  return {
    tenant: tenant!,
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

function chunks(rows: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < rows.length; i += 1_000) out.push(rows.slice(i, i + 1_000).join("\n") + "\n");
  return out;
}

const SUBJECT = "Term starts Monday";
const BODY = "Hello all,\nthe timetable is at https://example.com/term.\n\nSee you there.";

/** The limit: the rows our fan-out writes, as COPY text made beforehand, into the same tables. */
async function rawCopy(sql: postgres.Sql, ctx: TenantActor): Promise<number> {
  const members = await sql<{ id: string; email: string; name: string }[]>`
    select id, email, name from users where tenant_id = ${ctx.tenant.id} and role = 'learner'`;
  const messageId = randomUUID();
  const now = new Date().toISOString();
  const [{ first }] = (await sql<{ first: string }[]>`
    select nextval('outbound_emails_id_seq')::text as first`) as unknown as [{ first: string }];
  let next = Number(first);
  await sql`select setval('outbound_emails_id_seq', ${next + members.length + 1})`;
  const message = [
    [
      messageId,
      ctx.tenant.id,
      ctx.actor.userId,
      "message",
      SUBJECT,
      BODY,
      "now",
      members.length,
      now,
    ]
      .map(copyField)
      .join("\t") + "\n",
  ];
  const recipients: string[] = [];
  const mails: string[] = [];
  for (const m of members) {
    const id = next++;
    recipients.push([messageId, m.id, ctx.tenant.id, now, id, 1].map(copyField).join("\t"));
    mails.push(
      [
        id,
        ctx.tenant.id,
        m.id,
        "message_notice",
        "bulk",
        m.email,
        "message_notice",
        { messageId, subject: SUBJECT, memberName: m.name },
        messageId,
        now,
      ]
        .map(copyField)
        .join("\t"),
    );
  }
  const data = { recipients: chunks(recipients), mails: chunks(mails) };
  const started = performance.now();
  await sql.begin(async (tx) => {
    await pipeline(
      Readable.from(message),
      await tx`copy messages (id, tenant_id, author_id, kind, subject, body, notice_mode, recipient_count, created_at) from stdin`.writable(),
    );
    await pipeline(
      Readable.from(data.recipients),
      await tx`copy message_recipients (message_id, member_id, tenant_id, delivered_at, notice_id, notices) from stdin`.writable(),
    );
    await pipeline(
      Readable.from(data.mails),
      await tx`copy outbound_emails (id, tenant_id, member_id, category, lane, to_address, template, params, batch_id, next_attempt_at) from stdin`.writable(),
    );
  });
  return (performance.now() - started) / 1000;
}

/** A box of BOX messages for one learner (among others' boxes), in SQL: set-up, not measured. */
async function fillBox(sql: postgres.Sql, ctx: TenantActor): Promise<string> {
  const [learner] = await sql<{ id: string }[]>`
    select id from users where tenant_id = ${ctx.tenant.id} and login_id = 'member7'`;
  await sql`
    with m as (
      insert into messages (tenant_id, author_id, subject, body, notice_mode, recipient_count, created_at)
      select ${ctx.tenant.id}, ${ctx.actor.userId}, 'Message ' || g, repeat('Body text ', 40), 'never', 1,
             now() - (g || ' minutes')::interval
        from generate_series(1, ${BOX}) g
      returning id, created_at)
    insert into message_recipients (message_id, member_id, tenant_id, delivered_at, read_at)
    select m.id, ${learner!.id}, ${ctx.tenant.id}, m.created_at,
           case when random() < 0.8 then m.created_at end
      from m`;
  // As autovacuum leaves a table at rest: statistics, and the visibility map for index-only counts.
  await sql`vacuum analyze messages`;
  await sql`vacuum analyze message_recipients`;
  return learner!.id;
}

async function main() {
  console.error(
    `bench:fanout: one message to ${RECIPIENTS.toLocaleString("en")} members; a box of ${BOX.toLocaleString("en")} messages; ${machine()}`,
  );
  const bench = await benchDatabase();
  const limitName = `${new URL(bench.url).pathname.slice(1)}_limit`;
  const server = postgres(bench.url, { max: 1, onnotice: () => {} });
  await server.unsafe(`create database "${limitName}"`);
  const limitUrl = databaseUrl(bench.url, limitName);
  await migrateDatabase(limitUrl);
  try {
    process.env.DATABASE_URL = bench.url;
    const ctx = await setUpTenant(server);
    const { postMessage } = await import("@/lib/messages/post");
    const { listBox, boxPageQuery, BOX_PAGE_SIZE } = await import("@/lib/messages/box");

    await server.unsafe("checkpoint");
    const started = performance.now();
    const posted = await postMessage(ctx, {
      subject: SUBJECT,
      body: BODY,
      noticeMode: "now",
      audience: { kind: "all" },
    });
    const ours = (performance.now() - started) / 1000;
    const [check] = await server<{ recipients: number; notices: number; linked: number }[]>`
      select (select count(*)::int from message_recipients where message_id = ${posted.messageId}) as recipients,
             (select count(*)::int from outbound_emails where batch_id = ${posted.messageId}) as notices,
             (select count(*)::int from message_recipients r join outbound_emails o on o.id = r.notice_id
               where r.message_id = ${posted.messageId} and o.member_id = r.member_id) as linked`;
    if (
      check!.recipients !== RECIPIENTS ||
      check!.notices !== RECIPIENTS ||
      check!.linked !== RECIPIENTS
    ) {
      throw new Error(`wrong result: ${JSON.stringify(check)}`);
    }

    const limit = postgres(limitUrl, { max: 1, onnotice: () => {} });
    const limitCtx = await setUpTenant(limit);
    await limit.unsafe("checkpoint");
    const copySeconds = await rawCopy(limit, limitCtx);
    await limit.end();
    console.error(
      `fan-out: ours ${ours.toFixed(3)} s, COPY of the same rows ${copySeconds.toFixed(3)} s, ratio ${(copySeconds / ours).toFixed(2)}`,
    );

    // The box.
    const learnerId = await fillBox(server, ctx);
    const learner: TenantActor = {
      tenant: ctx.tenant,
      actor: { ...ctx.actor, userId: learnerId, role: "learner", loginId: "member7" },
    };
    const pages = Math.ceil((BOX + 1) / BOX_PAGE_SIZE);
    const bare = postgres(bench.url, { max: 10, onnotice: () => {} });
    const time = async (fn: (page: number) => Promise<unknown>) => {
      for (let i = 0; i < 20; i++) await fn(1 + (i % pages)); // warm both alike
      const latencies: number[] = [];
      for (let i = 0; i < CALLS; i++) {
        const page = 1 + Math.floor(Math.random() * pages);
        const at = performance.now();
        await fn(page);
        latencies.push(performance.now() - at);
      }
      return latencies.sort((a, b) => a - b);
    };
    const oursBox = await time(async (page) => {
      const box = await listBox(learner, page);
      if (box.total !== BOX + 1) throw new Error(`box total ${box.total}`);
    });
    // The same statement as listBox's page, run bare on postgres.js: no count, no mapping, no drizzle.
    const bareBox = await time(async (page) => {
      const query = boxPageQuery(learnerId, ctx.tenant.id, (page - 1) * BOX_PAGE_SIZE);
      const { sql: text, params } = new PgDialect().sqlToQuery(query);
      await bare.unsafe(text, params as never[]);
    });
    await bare.end();
    await closeDb();
    const p95 = percentile(oursBox, 0.95);
    const bareP95 = percentile(bareBox, 0.95);
    console.error(
      `box of ${BOX.toLocaleString("en")}: listBox p50 ${percentile(oursBox, 0.5).toFixed(2)} ms, p95 ${p95.toFixed(2)} ms; bare page query p50 ${percentile(bareBox, 0.5).toFixed(2)} ms, p95 ${bareP95.toFixed(2)} ms`,
    );
    report({
      bench: "box",
      value: p95,
      unit: "ms p95 listBox",
      limit: bareP95,
      ratio: bareP95 / p95,
      n: BOX,
      calls: CALLS,
    });
    report({
      bench: "fanout",
      value: ours,
      unit: "s one message to all",
      limit: copySeconds,
      ratio: copySeconds / ours,
      n: RECIPIENTS,
      box_p95_ms: Math.round(p95 * 100) / 100,
      box_bare_p95_ms: Math.round(bareP95 * 100) / 100,
    });
  } finally {
    await server.unsafe(`drop database if exists "${limitName}" with (force)`);
    await server.end();
    await bench.cleanup();
  }
}

runBench(main);
