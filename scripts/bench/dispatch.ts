/**
 * bench:dispatch — 20,000 queued mails over 10 tenants, 5% blocked by the checks, dispatched at
 * concurrency 10 to local SES (a separate process). The limit, measured in the same run: a bare
 * loop of SESv2 SendEmail calls to the same server at the same concurrency for the same count.
 * Also the guard alone, in decisions per second. `-- --quick` runs 2,000 mails.
 */
import { randomUUID } from "node:crypto";
import { SendEmailCommand, type SESv2Client } from "@aws-sdk/client-sesv2";
import { DomainChecker } from "@/lib/address/domain-verdict";
import { decideAll, type GuardSnapshot } from "@/lib/mail/guard";
import { OfflineResolver } from "@/lib/mail/offline-dns";
import { SesTransport } from "@/lib/mail/transport";
import { freePort } from "../lib/embedded-postgres";
import { startLocalSesProcess } from "../lib/local-ses";
import { stopGroup } from "../lib/processes";
import { benchDatabase, machine, quick, report, runBench } from "./common";

const N = quick ? 2_000 : 20_000;
const TENANTS = 10;
const CONCURRENCY = 10;

function guardBench(): { perSecond: number; n: number } {
  const n = quick ? 200_000 : 1_000_000;
  const tenants = Array.from({ length: TENANTS }, () => randomUUID());
  const mails = Array.from({ length: 10_000 }, (_, i) => ({
    tenantId: tenants[i % TENANTS]!,
    lane: (i % 3 ? "bulk" : "transactional") as "bulk" | "transactional",
    toAddress: i % 20 === 0 ? null : `member${i}@school${i % 50}.example.com`,
  }));
  const snapshot = (): GuardSnapshot => ({
    now: new Date(),
    domainVerdicts: new Map(
      Array.from(
        { length: 50 },
        (_, d) => [`school${d}.example.com`, { status: "ok", reason: "mx" }] as const,
      ),
    ),
    suppressed: new Set(
      Array.from({ length: 500 }, (_, i) => `* member${i * 7}@school${(i * 7) % 50}.example.com`),
    ),
    confirmed: new Set(
      Array.from({ length: 5_000 }, (_, i) => `member${i * 2}@school${(i * 2) % 50}.example.com`),
    ),
    account: { pausedUntil: null, guard: "ok", bounceRate: 0.004 },
    budget: { total: 260, inFlight: 40 },
    tenants: new Map(
      tenants.map((t) => [
        t,
        { breaker: "closed" as const, window: 26, inFlight: 3, bounceRate: 0.003 },
      ]),
    ),
    tokens: 5_000,
    ratePerSecond: 200,
  });
  let decided = 0;
  decideAll(mails, snapshot()); // warm up
  const started = process.hrtime.bigint();
  while (decided < n) {
    decideAll(mails, snapshot());
    decided += mails.length;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { perSecond: decided / seconds, n: decided };
}

/** The limit: the raw SDK, same server, same concurrency, same number of sends, similar content. */
async function rawSends(client: SESv2Client, count: number, prefix: string): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) {
        const i = next++;
        await client.send(
          new SendEmailCommand({
            FromEmailAddress: "Bench <bench@sendwell.localhost>",
            Destination: { ToAddresses: [`${prefix}${i}@school${i % 50}.example.com`] },
            Content: {
              Simple: {
                Subject: { Data: "Timetable" },
                Body: {
                  Text: { Data: "x".repeat(300) },
                  Html: { Data: `<p>${"x".repeat(600)}</p>` },
                },
              },
            },
            EmailTags: [
              { Name: "tenant", Value: "bench" },
              { Name: "category", Value: "message_notice" },
              { Name: "outbox_id", Value: String(i) },
            ],
          }),
        );
      }
    }),
  );
  return (performance.now() - started) / 1000;
}

async function main() {
  const guard = guardBench();
  report({
    bench: "guard",
    value: guard.perSecond,
    unit: "decisions/s",
    limit: 200_000,
    ratio: guard.perSecond / 200_000,
    n: guard.n,
    note: "limit is the target",
  });

  const { url, cleanup } = await benchDatabase();
  process.env.DATABASE_URL = url;
  process.env.DB_POOL_MAX = "20";
  const ses = await startLocalSesProcess(await freePort(), 1_000_000);
  const { db, closeDb, rawSql } = await import("@/db/client");
  const { enqueueBatch } = await import("@/lib/mail/outbox");
  const { refreshAccount } = await import("@/lib/mail/account");
  const { startDispatcher } = await import("@/lib/mail/dispatcher");
  const { tenants, confirmedAddresses } = await import("@/db/schema");

  try {
    const transport = new SesTransport({
      AWS_REGION: "us-east-1",
      SES_ENDPOINT: ses.url,
      SES_FROM_ADDRESS: "Bench <bench@sendwell.localhost>",
      SES_CONFIGURATION_SET_BULK: undefined,
      SES_CONFIGURATION_SET_TRANSACTIONAL: undefined,
      SES_TENANTS: "false",
    });

    // 10 tenants; half the mail is transactional (resets), half bulk notices to addresses SES has
    // delivered to before, so the windows (which by design throttle new addresses) do not set the pace.
    const tenantRows = await db
      .insert(tenants)
      .values(
        Array.from({ length: TENANTS }, (_, i) => ({ slug: `bench-${i}`, name: `Bench ${i}` })),
      )
      .returning({ id: tenants.id });
    const mails = Array.from({ length: N }, (_, i) => {
      const tenantId = tenantRows[i % TENANTS]!.id;
      const blocked = i % 20 === 0; // 5%: no address, bad syntax, or a domain that does not exist
      const to = blocked
        ? [null, "not an address", `m${i}@gone.invalid`][i % 3]!
        : `m${i}@school${i % 50}.example.com`;
      return i % 2
        ? {
            tenantId,
            category: "message_notice" as const,
            to,
            params: { memberName: `M ${i}`, messageId: `msg${i}`, subject: "Timetable" },
          }
        : {
            tenantId,
            category: "password_reset" as const,
            to,
            params: { memberName: `M ${i}`, token: `tok_${i}_abcdefghijklmnop` },
          };
    });
    const confirmed = mails
      .filter((m, i) => i % 2 && m.to?.includes("@school"))
      .map((m) => ({ address: m.to! }));
    for (let i = 0; i < confirmed.length; i += 5_000)
      await db.insert(confirmedAddresses).values(confirmed.slice(i, i + 5_000));
    await db.transaction((tx) => enqueueBatch(tx, mails));
    await refreshAccount(db, transport);
    const expectedSends = mails.filter((_, i) => i % 20 !== 0).length;

    const options = {
      db,
      transport,
      domains: new DomainChecker({ resolver: new OfflineResolver() }),
      publicUrl: "http://localhost:3000",
      batchSize: Number(process.env.MAIL_BATCH_SIZE ?? 200),
      pipelines: Number(process.env.MAIL_PIPELINES ?? 2),
      concurrency: CONCURRENCY,
    };
    await rawSql()`vacuum analyze outbound_emails`;
    // The SDK's per-call cost falls a lot over its first few thousand calls (JIT): warm it up, then
    // time the raw loop and the dispatcher on the same warm client.
    await rawSends(transport.client, quick ? 1_000 : 3_000, "warm");
    const rawSeconds = await rawSends(transport.client, expectedSends, "raw");

    // The production loop (two overlapping pipelines), timed until no mail is left to decide or send.
    const started = performance.now();
    // Done when every allowed mail has been sent and recorded: counted at the transport, confirmed
    // in the database below (polling the table would load the database it measures).
    let recorded = 0;
    let finished!: () => void;
    const allSent = new Promise<void>((resolve) => (finished = resolve));
    const counting = {
      getAccount: () => transport.getAccount(),
      send: async (mail: Parameters<typeof transport.send>[0]) => {
        const out = await transport.send(mail);
        if (++recorded === expectedSends) setImmediate(finished);
        return out;
      },
    };
    const dispatcher = startDispatcher({
      ...options,
      transport: counting,
      pollMs: 20,
      accountCheckMs: 3_600_000,
      log: () => {},
    });
    await allSent;
    await dispatcher.stop(); // finishes the batch in hand, recording its results
    const oursSeconds = (performance.now() - started) / 1000;
    const [{ n: sentInDb }] =
      (await rawSql()`select count(*)::int as n from outbound_emails where status = 'sent'`) as unknown as [
        { n: number },
      ];
    if (sentInDb !== expectedSends) {
      throw new Error(`expected ${expectedSends} sends, the database has ${sentInDb}`);
    }

    const ours = expectedSends / oursSeconds;
    const limit = expectedSends / rawSeconds;
    console.error(`machine: ${machine()}`);
    console.error(
      `dispatcher: ${expectedSends} sent (+${N - expectedSends} blocked) in ${oursSeconds.toFixed(2)} s; raw SDK: ${rawSeconds.toFixed(2)} s`,
    );
    report({ bench: "dispatch", value: ours, unit: "mails/s", limit, ratio: ours / limit, n: N });
  } finally {
    await closeDb();
    await stopGroup(ses.child);
    await cleanup();
  }
}

runBench(main);
