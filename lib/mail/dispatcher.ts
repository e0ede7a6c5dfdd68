import { Semaphore } from "@/lib/semaphore";
import { sql } from "drizzle-orm";
import type { Database, Executor } from "@/db/client";
import {
  DomainChecker,
  defaultDomainChecker,
  type DomainVerdict,
} from "@/lib/address/domain-verdict";
import { domainOf } from "@/lib/address/normalise";
import {
  accountGuard,
  bounceBudget,
  DEFAULT_THRESHOLDS,
  type GuardThresholds,
} from "@/lib/health/account-guard";
import { accountCounts, type AccountCounts } from "@/lib/health/rates";
import { loadTenantHealth } from "@/lib/health/tenant-state";
import { bounceStats, effectiveWindow } from "@/lib/health/window";
import { loadAccount, pauseAccount, refreshAccount, returnTokens, takeTokens } from "./account";
import { decideAll, type Decision, type GuardSnapshot, type TenantSnapshot } from "./guard";
import { renderMail } from "./templates";
import { classifySendError, type MailTransport } from "./transport";
import type { MailCategory, MailLane } from "@/db/schema/mail";

export type DispatcherOptions = {
  db: Database;
  transport: MailTransport;
  domains?: DomainChecker;
  publicUrl: string;
  sesTenants?: boolean;
  batchSize?: number;
  concurrency?: number;
  leaseMs?: number;
  /** Unconfirmed bulk mail stops counting against the windows after this long without an event. */
  confirmAfterMs?: number;
  minVolume?: number;
  maxAttempts?: number;
  thresholds?: GuardThresholds;
  log?: (message: string) => void;
  /** Shared by the pipelines of one process so their sends together stay within `concurrency`. */
  limiter?: Semaphore;
};

type Claimed = {
  id: number;
  tenant_id: string;
  category: MailCategory;
  lane: MailLane;
  to_address: string | null;
  params: Record<string, unknown>;
  attempts: number;
};

export type BatchResult = {
  claimed: number;
  sent: number;
  held: number;
  blocked: number;
  failed: number;
  retried: number;
  paused: boolean;
};

/** One lock for the guard's decide-and-reserve step, shared by every dispatcher process. */
const GUARD_LOCK = 7_340_002;

export const emptyBatchResult = (): BatchResult => ({ ...EMPTY });

const EMPTY: BatchResult = {
  claimed: 0,
  sent: 0,
  held: 0,
  blocked: 0,
  failed: 0,
  retried: 0,
  paused: false,
};

/** 2 s, 4 s, 8 s … capped at 10 minutes, with jitter so retries of a batch spread out. */
export function backoffMs(attempts: number): number {
  const base = Math.min(600_000, 1_000 * 2 ** Math.max(1, attempts));
  return Math.round(base * (0.75 + Math.random() * 0.5));
}

/** Rows whose dispatcher died mid-send go back to the queue: nothing is ever lost. */
export async function releaseExpiredLeases(db: Database): Promise<number> {
  const rows = await db.execute(sql`
    update outbound_emails set status = 'queued', lease_until = null, updated_at = now()
    where status = 'sending' and lease_until < now() returning id`);
  return rows.length;
}

async function claim(db: Database, limit: number, leaseMs: number): Promise<Claimed[]> {
  // Transactional mail first: a person is waiting on it, whatever bulk backlog there is.
  const claimLane = (lane: MailLane, n: number) =>
    db.execute<Claimed>(sql`
      with due as materialized (
        select id from outbound_emails
         where status in ('queued', 'held') and lane = ${lane} and next_attempt_at <= now()
         order by next_attempt_at, id
         limit ${n}
         for update skip locked
      )
      update outbound_emails o
         set status = 'sending', lease_until = now() + ${`${leaseMs} milliseconds`}::interval, updated_at = now()
        from due
       where o.id = due.id
      returning o.id, o.tenant_id, o.category, o.lane, o.to_address, o.params, o.attempts`);
  const transactional = [...(await claimLane("transactional", limit))];
  const bulk =
    transactional.length < limit
      ? [...(await claimLane("bulk", limit - transactional.length))]
      : [];
  return [...transactional, ...bulk];
}

type Snapshot = {
  guard: GuardSnapshot;
  tenants: Map<string, { slug: string; name: string }>;
  grantedTokens: number;
};

async function loadSnapshot(
  db: Executor,
  mails: Claimed[],
  options: Required<Pick<DispatcherOptions, "minVolume" | "thresholds">>,
  counts: AccountCounts,
  verdicts: ReadonlyMap<string, DomainVerdict>,
): Promise<Snapshot> {
  const now = new Date();
  const addresses = [...new Set(mails.map((m) => m.to_address).filter((a): a is string => !!a))];
  const tenantIds = [...new Set(mails.map((m) => m.tenant_id))];

  const [account, suppressed, confirmed, inFlight, tenantRows, health] = await Promise.all([
    loadAccount(db),
    addresses.length
      ? db.execute<{ scope: string; tenant_id: string | null; address: string }>(
          sql`select scope, tenant_id, address from suppressions where address = any(${sql.param(addresses)}::text[])`,
        )
      : Promise.resolve([]),
    addresses.length
      ? db.execute<{ address: string }>(
          sql`select address from confirmed_addresses where address = any(${sql.param(addresses)}::text[])`,
        )
      : Promise.resolve([]),
    db.execute<{ tenant_id: string; n: number }>(sql`
      select tenant_id, count(*)::int as n from outbound_emails
       where confirm_by > now() group by tenant_id`),
    db.execute<{ id: string; slug: string; name: string }>(
      sql`select id, slug, name from tenants where id = any(${sql.param(tenantIds)}::uuid[])`,
    ),
    loadTenantHealth(db, tenantIds),
  ]);

  const guardVerdict = accountGuard(
    counts.representative,
    counts.lastDay,
    options.thresholds,
    options.minVolume,
  );
  const volume = Math.max(counts.representative.sends, options.minVolume);
  const budgetTotal = bounceBudget(guardVerdict.bounceRate, volume, options.thresholds);
  const inFlightBy = new Map([...inFlight].map((r) => [r.tenant_id, Number(r.n)]));
  const budgetInFlight = [...inFlightBy.values()].reduce((a, b) => a + b, 0);
  // Fair share: the budget split between the tenants with bulk mail moving now.
  const active = new Set([
    ...inFlightBy.keys(),
    ...mails.filter((m) => m.lane === "bulk").map((m) => m.tenant_id),
  ]);
  const fairShare = budgetTotal / Math.max(1, active.size);

  const tenants = new Map<string, TenantSnapshot>();
  for (const id of tenantIds) {
    const h = health.get(id)!;
    tenants.set(id, {
      breaker: h.breaker,
      window: effectiveWindow(h, fairShare),
      inFlight: inFlightBy.get(id) ?? 0,
      bounceRate: bounceStats(h.recent).rate,
    });
  }

  const { granted, rate } = await takeTokens(db, mails.length, counts.lastDay.sends);
  return {
    guard: {
      now,
      domainVerdicts: verdicts,
      suppressed: new Set(
        [...suppressed].map((s) =>
          s.scope === "account" ? `* ${s.address}` : `${s.tenant_id} ${s.address}`,
        ),
      ),
      confirmed: new Set([...confirmed].map((c) => c.address)),
      account: {
        pausedUntil: account.pausedUntil,
        guard: guardVerdict.level,
        bounceRate: guardVerdict.bounceRate,
      },
      budget: { total: budgetTotal, inFlight: budgetInFlight },
      tenants,
      tokens: granted,
      ratePerSecond: rate,
    },
    tenants: new Map([...tenantRows].map((t) => [t.id, { slug: t.slug, name: t.name }])),
    grantedTokens: granted,
  };
}

type Outcome =
  | { id: number; kind: "sent"; messageId: string }
  | { id: number; kind: "retry"; reason: string; attempts: number }
  | { id: number; kind: "failed"; reason: string }
  | { id: number; kind: "paused"; reason: string };

/** One pass: claim due mail, ask the guard, send what it allows, record every result. */
export async function dispatchOnce(
  options: DispatcherOptions,
  counts?: AccountCounts,
): Promise<BatchResult> {
  const db = options.db;
  const batchSize = options.batchSize ?? 200;
  const maxAttempts = options.maxAttempts ?? 8;
  const account = await loadAccount(db);
  // Until SES has answered GetAccount once, we do not know we may send: mail waits, it does not fail.
  if (!account.checkedAt) return EMPTY;

  await releaseExpiredLeases(db);
  const mails = await claim(db, batchSize, options.leaseMs ?? 60_000);
  if (mails.length === 0) return EMPTY;

  // DNS first, outside the lock: a slow resolver must not stall other dispatchers.
  const domains = options.domains ?? defaultDomainChecker();
  const verdicts = await domains.verdicts(
    new Set(mails.flatMap((m) => (m.to_address?.includes("@") ? [domainOf(m.to_address)] : []))),
  );
  const accountNow = counts ?? (await accountCounts(db));

  // Deciding and reserving window room is serialised across every dispatcher (one advisory lock):
  // two processes must never both see the same free slot. Sending happens after, in parallel.
  const result: BatchResult = { ...EMPTY, claimed: mails.length };
  const { toSend, snapshot } = await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${GUARD_LOCK})`);
    const snapshot = await loadSnapshot(
      tx,
      mails,
      {
        minVolume: options.minVolume ?? 1_000,
        thresholds: options.thresholds ?? DEFAULT_THRESHOLDS,
      },
      accountNow,
      verdicts,
    );
    const decisions = decideAll(
      mails.map((m) => ({ tenantId: m.tenant_id, lane: m.lane, toAddress: m.to_address })),
      snapshot.guard,
    );
    const toSend: { mail: Claimed; decision: Extract<Decision, { kind: "send" }> }[] = [];
    const holds: { id: number; reason: string; until: Date }[] = [];
    const blocks: { id: number; reason: string }[] = [];
    decisions.forEach((decision, i) => {
      const mail = mails[i]!;
      if (decision.kind === "send") toSend.push({ mail, decision });
      else if (decision.kind === "hold")
        holds.push({ id: mail.id, reason: decision.reason, until: decision.until });
      else blocks.push({ id: mail.id, reason: decision.reason });
    });
    await returnTokens(tx, snapshot.grantedTokens - toSend.length);
    await recordHolds(tx, holds);
    await recordBlocks(tx, blocks);
    result.held += holds.length;
    result.blocked += blocks.length;
    // Unconfirmed mail counts against the windows from before it leaves.
    const unconfirmedIds = toSend.filter((s) => s.decision.unconfirmed).map((s) => s.mail.id);
    if (unconfirmedIds.length) {
      await tx.execute(sql`
        update outbound_emails set confirm_by = now() + ${`${options.confirmAfterMs ?? 30 * 60_000} milliseconds`}::interval
         where id = any(${sql.param(unconfirmedIds)}::bigint[])`);
    }
    return { toSend, snapshot };
  });

  const outcomes: Outcome[] = [];
  let paused = false;
  const limiter = options.limiter ?? new Semaphore(options.concurrency ?? 10);
  await Promise.all(
    toSend.map(async ({ mail }) => {
      await limiter.acquire();
      try {
        await sendOne(mail);
      } finally {
        limiter.release();
      }
    }),
  );
  async function sendOne(mail: Claimed) {
    if (paused) {
      outcomes.push({ id: mail.id, kind: "paused", reason: "account_paused" });
      return;
    }
    const tenant = snapshot.tenants.get(mail.tenant_id);
    try {
      const rendered = renderMail(mail.category, mail.params, {
        tenantName: tenant?.name ?? "",
        tenantSlug: tenant?.slug ?? "",
        publicUrl: options.publicUrl,
      });
      const { messageId } = await options.transport.send({
        to: mail.to_address!,
        ...rendered,
        lane: mail.lane,
        tags: { tenant: mail.tenant_id, category: mail.category, outbox: String(mail.id) },
        tenantName: options.sesTenants ? tenant?.slug : undefined,
      });
      outcomes.push({ id: mail.id, kind: "sent", messageId });
    } catch (error) {
      const failure = classifySendError(error);
      if (failure.kind === "pause") {
        paused = true;
        outcomes.push({ id: mail.id, kind: "paused", reason: "account_paused" });
        await pauseAccount(db, failure.reason);
        options.log?.(
          `SES paused sending (${failure.reason}); holding all mail until GetAccount says otherwise.`,
        );
      } else if (failure.kind === "retry" && mail.attempts + 1 < maxAttempts) {
        outcomes.push({
          id: mail.id,
          kind: "retry",
          reason: failure.reason,
          attempts: mail.attempts + 1,
        });
      } else {
        outcomes.push({ id: mail.id, kind: "failed", reason: failure.reason });
      }
    }
  }
  await recordOutcomes(db, outcomes);
  for (const o of outcomes) {
    if (o.kind === "sent") result.sent++;
    else if (o.kind === "retry") result.retried++;
    else if (o.kind === "failed") result.failed++;
    else result.held++;
  }
  result.paused = paused;
  if (paused) await refreshAccount(db, options.transport);
  return result;
}

async function recordHolds(db: Executor, holds: { id: number; reason: string; until: Date }[]) {
  if (!holds.length) return;
  await db.execute(sql`
    update outbound_emails o
       set status = 'held', reason = h.reason, next_attempt_at = to_timestamp(h.until_ms / 1000.0),
           lease_until = null, updated_at = now()
      from unnest(${sql.param(holds.map((h) => h.id))}::bigint[], ${sql.param(holds.map((h) => h.reason))}::text[],
                  ${sql.param(holds.map((h) => h.until.getTime()))}::float8[]) as h(id, reason, until_ms)
     where o.id = h.id`);
}

async function recordBlocks(db: Executor, blocks: { id: number; reason: string }[]) {
  if (!blocks.length) return;
  await db.execute(sql`
    update outbound_emails o
       set status = 'blocked', reason = b.reason, lease_until = null, updated_at = now()
      from unnest(${sql.param(blocks.map((b) => b.id))}::bigint[], ${sql.param(blocks.map((b) => b.reason))}::text[]) as b(id, reason)
     where o.id = b.id`);
}

async function recordOutcomes(db: Database, outcomes: Outcome[]) {
  const sent = outcomes.filter((o): o is Extract<Outcome, { kind: "sent" }> => o.kind === "sent");
  if (sent.length) {
    // Secrets (activation tokens, login codes) are not kept once the mail has left.
    await db.execute(sql`
      update outbound_emails o
         -- SES's feedback may already have moved the mail on (delivered, bounced): never back.
         set status = case when o.status = 'sending' then 'sent'::mail_status else o.status end,
             ses_message_id = s.message_id, sent_at = now(), attempts = o.attempts + 1,
             reason = case when o.reason like 'soft\_bounce:%' or o.status <> 'sending' then o.reason end,
             lease_until = null, params = o.params - 'token' - 'code', updated_at = now()
        from unnest(${sql.param(sent.map((s) => s.id))}::bigint[], ${sql.param(sent.map((s) => s.messageId))}::text[]) as s(id, message_id)
       where o.id = s.id`);
  }
  const retries = outcomes.filter(
    (o): o is Extract<Outcome, { kind: "retry" }> => o.kind === "retry",
  );
  if (retries.length) {
    await db.execute(sql`
      update outbound_emails o
         set status = 'queued', reason = r.reason, attempts = r.attempts, confirm_by = null, lease_until = null,
             next_attempt_at = now() + (r.delay_ms || ' milliseconds')::interval, updated_at = now()
        from unnest(${sql.param(retries.map((r) => r.id))}::bigint[], ${sql.param(retries.map((r) => r.reason))}::text[],
                    ${sql.param(retries.map((r) => r.attempts))}::int[], ${sql.param(retries.map((r) => backoffMs(r.attempts)))}::int[])
             as r(id, reason, attempts, delay_ms)
       where o.id = r.id`);
  }
  const failed = outcomes.filter(
    (o): o is Extract<Outcome, { kind: "failed" }> => o.kind === "failed",
  );
  if (failed.length) {
    await db.execute(sql`
      update outbound_emails o
         set status = 'failed', reason = f.reason, attempts = o.attempts + 1, confirm_by = null, lease_until = null,
             resolved_at = now(), updated_at = now()
        from unnest(${sql.param(failed.map((f) => f.id))}::bigint[], ${sql.param(failed.map((f) => f.reason))}::text[]) as f(id, reason)
       where o.id = f.id`);
  }
  const paused = outcomes.filter((o) => o.kind === "paused").map((o) => o.id);
  if (paused.length) {
    await db.execute(sql`
      update outbound_emails
         set status = 'held', reason = 'account_paused', confirm_by = null, lease_until = null,
             next_attempt_at = now() + interval '5 minutes', updated_at = now()
       where id = any(${sql.param(paused)}::bigint[])`);
  }
}

export type RunningDispatcher = { stop: () => Promise<void>; done: Promise<void> };

/**
 * The loop: dispatches while there is due mail, sleeps `pollMs` when there is none, checks the SES
 * account every minute. Two pipelines overlap so one batch's database work happens while the
 * other's mail is being sent; a shared limiter keeps their sends within `concurrency`.
 * `stop()` finishes the batches in hand and returns.
 */
export function startDispatcher(
  options: DispatcherOptions & { pollMs?: number; accountCheckMs?: number; pipelines?: number },
): RunningDispatcher {
  const controller = new AbortController();
  const log = options.log ?? ((m: string) => console.log(`[mail] ${m}`));
  const pollMs = options.pollMs ?? 500;
  const accountCheckMs = options.accountCheckMs ?? 60_000;
  const limiter = new Semaphore(options.concurrency ?? 10);
  let counts: { value: Promise<AccountCounts>; at: number } | undefined;
  let lastCheck = 0;
  let lastError: string | null = null;

  // Wakes early on stop; the abort listener is removed either way, so idle loops do not pile them up.
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        controller.signal.removeEventListener("abort", wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      controller.signal.addEventListener("abort", wake, { once: true });
    });

  async function checkAccount() {
    if (Date.now() - lastCheck < accountCheckMs) return;
    lastCheck = Date.now();
    const checked = await refreshAccount(options.db, options.transport);
    if (!checked.ok && checked.error !== lastError) {
      log(
        `cannot read the SES account (${checked.error}). Check SES_ENDPOINT, AWS_REGION and the credentials; mail stays queued until SES answers.`,
      );
    }
    lastError = checked.ok ? null : checked.error;
  }

  async function pipeline(first: boolean) {
    while (!controller.signal.aborted) {
      try {
        if (first) await checkAccount();
        // Account rates change slowly; reading them every few seconds is plenty.
        if (!counts || Date.now() - counts.at > 5_000) {
          counts = { value: accountCounts(options.db), at: Date.now() };
        }
        const result = await dispatchOnce({ ...options, log, limiter }, await counts.value);
        if (result.paused) lastCheck = Date.now();
        if (result.claimed < (options.batchSize ?? 200)) await sleep(pollMs);
      } catch (error) {
        counts = undefined;
        log(`dispatch failed: ${(error as Error).message}`);
        await sleep(Math.max(pollMs, 2_000));
      }
    }
  }

  const done = Promise.all(
    Array.from({ length: Math.max(1, options.pipelines ?? 2) }, (_, i) => pipeline(i === 0)),
  ).then(() => undefined);

  return {
    done,
    stop: async () => {
      controller.abort();
      await done;
    },
  };
}
