/**
 * One batch of the feedback applier: claim unapplied events (`SKIP LOCKED`: several appliers may
 * run), lock the mails they are about, plan, and write every table once, set-based, in one
 * transaction. The tables are written by their owners; this module writes only `ses_events` and
 * `confirmed_addresses`.
 */
import { sql } from "drizzle-orm";
import { pgOf, type Database, type Executor } from "@/db/client";
import { APPLIER_DEFAULTS } from "@/lib/env";
import { addToRollup } from "@/lib/health/rollup";
import { recordOutcomes } from "@/lib/health/tenant-state";
import { applySesTransitions, lockMailsForEvents, type MailRef } from "@/lib/mail/outbox";
import { recordAddressOutcomes } from "@/lib/members/email-status";
import { suppressMany } from "@/lib/suppressions";
import { planBatch, refOf, type BatchPlan, type PendingEvent } from "./plan";

export type ApplierOptions = {
  batchSize?: number;
  /** Failed applies before an event is parked. */
  maxAttempts?: number;
  /** The wait before each retry, by attempt; the last one repeats. */
  retryDelaysMs?: readonly number[];
  log?: (message: string) => void;
};

export type BatchResult = { claimed: number; applied: number; failed: number; parked: number };

type Row = {
  id: string;
  eventType: string;
  sesMessageId: string | null;
  recipients: string[];
  bounceType: string | null;
  bounceSubType: string | null;
  occurredAt: string | null;
  receivedAt: string;
  outboxTag: string | null;
};

/** Unapplied events that are due, oldest first, locked for this transaction; or just `ids`. */
export async function claimPending(
  tx: Executor,
  limit: number,
  ids?: readonly number[],
): Promise<PendingEvent[]> {
  const pg = pgOf(tx);
  const only = ids ? pg`and id in (select unnest(${ids}::bigint[]))` : pg``;
  // A raw query's timestamps and int8s arrive as text (drizzle turns the driver's parsing off).
  // postgres.js, prepared (as every statement of a batch): one round trip each, planned once.
  const rows = await pg<Row[]>`
    select id, event_type as "eventType", ses_message_id as "sesMessageId", recipients,
           bounce_type as "bounceType", bounce_sub_type as "bounceSubType",
           occurred_at as "occurredAt", received_at as "receivedAt",
           case when payload #>> '{mail,tags,outbox_id,0}' ~ '^[0-9]{1,15}$'
                then payload #>> '{mail,tags,outbox_id,0}' end as "outboxTag"
      from ses_events
     where applied_at is null and parked_at is null and apply_after <= now() ${only}
     order by id
     limit ${limit}
       for update skip locked`;
  return rows.map((r) => ({
    ...r,
    id: Number(r.id),
    occurredAt: r.occurredAt ? new Date(r.occurredAt) : null,
    receivedAt: new Date(r.receivedAt),
    outboxTag: r.outboxTag === null ? null : Number(r.outboxTag),
  }));
}

/** Applies claimed events in the caller's transaction. */
export async function applyEvents(tx: Executor, events: readonly PendingEvent[]): Promise<void> {
  if (events.length === 0) return;
  const refs = events.map(refOf).filter((r): r is MailRef => r !== null);
  const mails = await lockMailsForEvents(tx, refs);
  const plan = planBatch(events, mails);
  const confirmed = [...new Set(plan.confirmed.map((a) => a.toLowerCase()))].sort();
  // Independent writes go out together (postgres.js pipelines them on the transaction's connection).
  await Promise.all([
    applySesTransitions(tx, plan.moves),
    suppressMany(tx, plan.suppressions),
    recordAddressOutcomes(tx, plan.addresses),
    confirmed.length
      ? pgOf(tx)`
          insert into confirmed_addresses (address) select unnest(${confirmed}::text[])
          on conflict do nothing`
      : null,
  ]);
  // The rows every event of a tenant shares come last, so their locks are held only until commit.
  await Promise.all([
    recordOutcomes(tx, plan.outcomes),
    addToRollup(tx, plan.rollup),
    markApplied(tx, plan.links),
  ]);
}

/** The events are applied, each linked to the mail and tenant it turned out to be about. */
async function markApplied(tx: Executor, links: BatchPlan["links"]): Promise<void> {
  await pgOf(tx)`
    update ses_events e
       set applied_at = now(), outbound_email_id = l.mail_id, tenant_id = l.tenant_id, apply_error = null
      from unnest(${links.map((l) => l.eventId)}::bigint[],
                  ${links.map((l) => l.mailId)}::bigint[],
                  ${links.map((l) => l.tenantId)}::uuid[]) as l(id, mail_id, tenant_id)
     where e.id = l.id`;
}

/** Lost the connection or the server: nothing to do with the events; the loop waits and retries. */
function isConnectionError(error: unknown): boolean {
  const e = error as { code?: unknown; cause?: { code?: unknown } };
  const code = String(e.cause?.code ?? e.code ?? "");
  return (
    /^(08|57P0)/.test(code) ||
    /^(ECONN|CONNECT|CONNECTION_)/.test(code) ||
    code === "EPIPE" ||
    code === "ETIMEDOUT"
  );
}

/** The database's own words: drizzle wraps them in "Failed query: <the whole statement>". */
const reasonOf = (error: unknown) => {
  const e = error as { cause?: { message?: string }; message?: string };
  return (e.cause?.message ?? e.message ?? String(error)).slice(0, 1_000);
};

/** A failed apply: retried after its delay, parked after the last attempt, with its error. */
async function recordFailure(
  db: Database,
  eventId: number,
  error: unknown,
  options: Required<Omit<ApplierOptions, "log">>,
): Promise<boolean> {
  const message = reasonOf(error);
  const delays = options.retryDelaysMs.length ? options.retryDelaysMs : [0];
  const [row] = await db.execute<{ parked: boolean }>(sql`
    update ses_events
       set apply_attempts = apply_attempts + 1, apply_error = ${message},
           apply_after = now() + (${sql.param([...delays])}::int[])[least(apply_attempts + 1, ${delays.length})]
                                 * interval '1 millisecond',
           parked_at = case when apply_attempts + 1 >= ${options.maxAttempts} then now() end
     where id = ${eventId} and applied_at is null
    returning parked_at is not null as parked`);
  return row?.parked === true;
}

/**
 * Applies these events in one transaction; if that fails, each half on its own, down to the one
 * event that fails, which is recorded (retried later, or parked): a bad event never holds up the
 * rest of its batch.
 */
async function applyOrSplit(
  db: Database,
  ids: readonly number[],
  options: Required<Omit<ApplierOptions, "log">>,
  log: (m: string) => void,
): Promise<Omit<BatchResult, "claimed">> {
  try {
    const applied = await db.transaction(async (tx) => {
      const events = await claimPending(tx, ids.length, ids);
      await applyEvents(tx, events);
      return events.length;
    });
    return { applied, failed: 0, parked: 0 };
  } catch (error) {
    if (isConnectionError(error)) throw error;
    if (ids.length === 1) {
      const parked = await recordFailure(db, ids[0]!, error, options);
      log(
        `event ${ids[0]} could not be applied${parked ? " and is parked for an operator" : ", retrying later"}: ${reasonOf(error)}`,
      );
      return { applied: 0, failed: 1, parked: parked ? 1 : 0 };
    }
    const half = Math.ceil(ids.length / 2);
    const a = await applyOrSplit(db, ids.slice(0, half), options, log);
    const b = await applyOrSplit(db, ids.slice(half), options, log);
    return {
      applied: a.applied + b.applied,
      failed: a.failed + b.failed,
      parked: a.parked + b.parked,
    };
  }
}

export function withApplierDefaults(options: ApplierOptions) {
  return {
    batchSize: options.batchSize ?? APPLIER_DEFAULTS.batchSize,
    maxAttempts: options.maxAttempts ?? APPLIER_DEFAULTS.maxAttempts,
    retryDelaysMs: options.retryDelaysMs ?? APPLIER_DEFAULTS.retryDelaysMs,
  };
}

/** Claims and applies one batch of due events; how many it took, applied, failed and parked. */
export async function applyBatch(db: Database, given: ApplierOptions = {}): Promise<BatchResult> {
  const options = withApplierDefaults(given);
  const log = given.log ?? ((m: string) => console.warn(`[feedback] ${m}`));
  let claimed: number[] = [];
  try {
    const applied = await db.transaction(async (tx) => {
      const events = await claimPending(tx, options.batchSize);
      claimed = events.map((e) => e.id);
      await applyEvents(tx, events);
      return events.length;
    });
    return { claimed: applied, applied, failed: 0, parked: 0 };
  } catch (error) {
    if (claimed.length === 0 || isConnectionError(error)) throw error;
    return { claimed: claimed.length, ...(await applyOrSplit(db, claimed, options, log)) };
  }
}

/** Applies every due event now, batch after batch (tests and benchmarks; the loop does the same). */
export async function applyPending(
  db: Database,
  options: ApplierOptions = {},
): Promise<BatchResult> {
  const total: BatchResult = { claimed: 0, applied: 0, failed: 0, parked: 0 };
  for (;;) {
    const r = await applyBatch(db, options);
    total.claimed += r.claimed;
    total.applied += r.applied;
    total.failed += r.failed;
    total.parked += r.parked;
    if (r.claimed === 0) return total;
  }
}
