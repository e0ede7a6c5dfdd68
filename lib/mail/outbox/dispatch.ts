/** The dispatcher's transitions: claim due mail, then hold, block, send, retry or fail each one. */
import { sql } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { inList } from "@/db/in-list";
import type { MailLane, OutboundEmail } from "@/db/schema";
import { HOLD_RETRY_MS } from "../guard";
import { VALIDITY_MS } from "./states";

/**
 * A waiting login code or reset older than its validity (VALIDITY_MS): useless when late. The claim
 * and the sweep both test it, so such a mail is never handed to SES.
 */
const late = (alias: string) =>
  sql.raw(
    `(${Object.entries(VALIDITY_MS)
      .map(
        ([category, ms]) =>
          `(${alias}.category = '${category}' and ${alias}.created_at <= now() - interval '${ms} milliseconds')`,
      )
      .join(" or ")})`,
  );

/**
 * Marks waiting login codes and resets that outlived their validity `expired` (their secrets
 * dropped), however long they would still be held: the unsent ledger shows them, SES never gets them.
 */
export async function expireLate(db: Executor): Promise<number> {
  const rows = await db.execute(sql`
    update outbound_emails o
       set status = 'expired', reason = 'not_sent_in_time', params = o.params - 'token' - 'code',
           lease_until = null, resolved_at = now(), updated_at = now()
     where o.status in ('queued', 'held') and o.lane = 'transactional' and ${late("o")}
    returning o.id`);
  return rows.length;
}

/** A claimed mail: what the guard, the templates and the transport need of it. */
export type ClaimedMail = Pick<
  OutboundEmail,
  "id" | "tenantId" | "category" | "lane" | "toAddress" | "params" | "attempts"
>;

const ids = (list: readonly { id: number }[]) => sql.param(list.map((m) => m.id));

/** Rows whose dispatcher died mid-send go back to the queue: nothing is ever lost. */
export async function releaseExpiredLeases(db: Executor): Promise<number> {
  const rows = await db.execute(sql`
    update outbound_emails set status = 'queued', lease_until = null, updated_at = now()
    where status = 'sending' and lease_until < now() returning id`);
  return rows.length;
}

/**
 * Claims up to `limit` due mails for this dispatcher (`SKIP LOCKED`: several may run), leased for
 * `leaseMs`. Transactional mail first: a person is waiting on it, whatever bulk backlog there is.
 */
export async function claimDue(
  db: Executor,
  limit: number,
  leaseMs: number,
): Promise<ClaimedMail[]> {
  // The statuses are WAITING, written out: the partial index `outbound_emails_due_idx` is used only
  // when the query repeats its predicate literally.
  const claimLane = async (lane: MailLane, n: number): Promise<ClaimedMail[]> => {
    const rows = await db.execute<ClaimedMail & { late: boolean }>(sql`
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
      returning o.id, o.tenant_id as "tenantId", o.category, o.lane, o.to_address as "toAddress",
                o.params, o.attempts, ${late("o")} as late`);
    // int8 arrives as text from a raw query.
    const claimed = rows.map((row) => ({ ...row, id: Number(row.id) }));
    // Claimed the instant it went past its validity: expired here, never sent.
    const tooLate = claimed.filter((m) => m.late).map((m) => m.id);
    if (tooLate.length) {
      await db.execute(sql`
        update outbound_emails
           set status = 'expired', reason = 'not_sent_in_time', params = params - 'token' - 'code',
               lease_until = null, resolved_at = now(), updated_at = now()
         where ${inList(sql.raw("id"), tooLate, "bigint")}`);
    }
    return claimed.flatMap(({ late, ...mail }) => (late ? [] : [mail]));
  };
  const transactional = await claimLane("transactional", limit);
  const bulk =
    transactional.length < limit ? await claimLane("bulk", limit - transactional.length) : [];
  return [...transactional, ...bulk];
}

/** Unconfirmed bulk mail of each tenant still counting against its window. */
export async function unconfirmedInFlight(db: Executor): Promise<Map<string, number>> {
  const rows = await db.execute<{ tenantId: string; n: number }>(sql`
    select tenant_id as "tenantId", count(*)::int as n from outbound_emails
     where confirm_by > now() group by tenant_id`);
  return new Map(rows.map((r) => [r.tenantId, Number(r.n)]));
}

/** The guard said wait: back to the queue with the reason, due again at `until`. */
export async function holdMails(
  db: Executor,
  holds: readonly { id: number; reason: string; until: Date }[],
): Promise<void> {
  if (!holds.length) return;
  await db.execute(sql`
    update outbound_emails o
       set status = 'held', reason = h.reason, next_attempt_at = to_timestamp(h.until_ms / 1000.0),
           lease_until = null, updated_at = now()
      from unnest(${ids(holds)}::bigint[], ${sql.param(holds.map((h) => h.reason))}::text[],
                  ${sql.param(holds.map((h) => h.until.getTime()))}::float8[]) as h(id, reason, until_ms)
     where o.id = h.id`);
}

/** The guard said never as things stand (no address, bad address, suppressed): it stays until someone fixes the cause. */
export async function blockMails(
  db: Executor,
  blocks: readonly { id: number; reason: string }[],
): Promise<void> {
  if (!blocks.length) return;
  await db.execute(sql`
    update outbound_emails o
       set status = 'blocked', reason = b.reason, lease_until = null, updated_at = now()
      from unnest(${ids(blocks)}::bigint[], ${sql.param(blocks.map((b) => b.reason))}::text[]) as b(id, reason)
     where o.id = b.id`);
}

/** Unconfirmed bulk mail counts against the windows from before it leaves, until `confirmAfterMs` or an event. */
export async function reserveWindow(
  db: Executor,
  mailIds: readonly number[],
  confirmAfterMs: number,
): Promise<void> {
  if (!mailIds.length) return;
  await db.execute(sql`
    update outbound_emails set confirm_by = now() + ${`${confirmAfterMs} milliseconds`}::interval
     where ${inList(sql.raw("id"), mailIds, "bigint")}`);
}

/** SES accepted these: their message ids, and the secrets they carried are dropped. */
export async function recordSent(
  db: Executor,
  sent: readonly { id: number; messageId: string }[],
): Promise<void> {
  if (!sent.length) return;
  // In id order, as the feedback applier locks mails (lockMailsForEvents): when SES's event beats
  // this record, the two wait on each other in one order, never in a circle.
  sent = [...sent].sort((a, b) => a.id - b.id);
  // Secrets (activation tokens, login codes) are not kept once the mail has left.
  await db.execute(sql`
    update outbound_emails o
       -- SES's feedback may already have moved the mail on (delivered, bounced): never back.
       set status = case when o.status = 'sending' then 'sent'::mail_status else o.status end,
           ses_message_id = s.message_id, sent_at = now(), attempts = o.attempts + 1,
           reason = case when o.reason like 'soft\\_bounce:%' or o.status <> 'sending' then o.reason end,
           lease_until = null, params = o.params - 'token' - 'code', updated_at = now()
      from unnest(${ids(sent)}::bigint[], ${sql.param(sent.map((s) => s.messageId))}::text[]) as s(id, message_id)
     where o.id = s.id`);
}

/** A fault worth retrying (throttled, a server error): queued again after `delayMs`. */
export async function retryLater(
  db: Executor,
  retries: readonly { id: number; reason: string; attempts: number; delayMs: number }[],
): Promise<void> {
  if (!retries.length) return;
  await db.execute(sql`
    update outbound_emails o
       set status = 'queued', reason = r.reason, attempts = r.attempts, confirm_by = null, lease_until = null,
           next_attempt_at = now() + (r.delay_ms || ' milliseconds')::interval, updated_at = now()
      from unnest(${ids(retries)}::bigint[], ${sql.param(retries.map((r) => r.reason))}::text[],
                  ${sql.param(retries.map((r) => r.attempts))}::int[], ${sql.param(retries.map((r) => r.delayMs))}::int[])
           as r(id, reason, attempts, delay_ms)
     where o.id = r.id`);
}

/** SES refused these for good (MessageRejected and other client faults, or out of attempts). */
export async function failMails(
  db: Executor,
  failed: readonly { id: number; reason: string }[],
): Promise<void> {
  if (!failed.length) return;
  await db.execute(sql`
    update outbound_emails o
       set status = 'failed', reason = f.reason, attempts = o.attempts + 1, confirm_by = null, lease_until = null,
           resolved_at = now(), updated_at = now()
      from unnest(${ids(failed)}::bigint[], ${sql.param(failed.map((f) => f.reason))}::text[]) as f(id, reason)
     where o.id = f.id`);
}

/** SES paused the account mid-batch: what did not leave waits until the account is checked again. */
export async function holdForAccountPause(db: Executor, mailIds: readonly number[]): Promise<void> {
  if (!mailIds.length) return;
  await db.execute(sql`
    update outbound_emails
       set status = 'held', reason = 'account_paused', confirm_by = null, lease_until = null,
           next_attempt_at = now() + ${`${HOLD_RETRY_MS.account_paused} milliseconds`}::interval, updated_at = now()
     where ${inList(sql.raw("id"), mailIds, "bigint")}`);
}

/**
 * Makes held mail due now (a tenant resumed, an operator lifted a stop) instead of at its hold's
 * end, up to ten minutes away. Only holds for the given reasons, of one tenant or of all.
 */
export async function releaseHeld(
  db: Executor,
  target: { tenantId?: string },
  reasons: readonly string[],
): Promise<number> {
  const rows = await db.execute(sql`
    update outbound_emails set next_attempt_at = now(), updated_at = now()
     where status = 'held' and ${inList(sql.raw("reason"), reasons, "text")}
       ${target.tenantId ? sql`and tenant_id = ${target.tenantId}` : sql``}
    returning id`);
  return rows.length;
}
