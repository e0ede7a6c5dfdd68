import { sql } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { accountMailState } from "@/db/schema";
import { HOLD_RETRY_MS } from "./guard";
import type { MailTransport } from "./transport";

export type AccountRow = typeof accountMailState.$inferSelect;

export async function ensureAccountRow(db: Executor): Promise<void> {
  await db.insert(accountMailState).values({ id: 1 }).onConflictDoNothing();
}

/** Read twice per batch: the row is made only when missing, not written on every read. */
export async function loadAccount(db: Executor): Promise<AccountRow> {
  const read = () =>
    db
      .select()
      .from(accountMailState)
      .where(sql`${accountMailState.id} = 1`);
  const [row] = await read();
  if (row) return row;
  await ensureAccountRow(db);
  return (await read())[0]!;
}

const PAUSE_RECHECK_MS = HOLD_RETRY_MS.account_paused;

/** A pause begins when none was standing (or the last one had ended); it is kept for the ledger. */
const pauseBegins = (now: Date) => ({
  lastPauseStartedAt: sql`case when ${accountMailState.pausedUntil} is null or ${accountMailState.lastPauseEndedAt} is not null then ${now.toISOString()}::timestamptz else ${accountMailState.lastPauseStartedAt} end`,
  lastPauseEndedAt: sql`null`,
});
const pauseEnds = (now: Date) => ({
  lastPauseEndedAt: sql`case when ${accountMailState.pausedUntil} is not null and ${accountMailState.lastPauseEndedAt} is null then ${now.toISOString()}::timestamptz else ${accountMailState.lastPauseEndedAt} end`,
});

/**
 * Reads GetAccount into the shared row. Sending disabled or a SHUTDOWN enforcement status pauses
 * everything until a later check says otherwise; a failed check is recorded and changes nothing else.
 */
export async function refreshAccount(db: Executor, transport: MailTransport, now = new Date()) {
  await ensureAccountRow(db);
  try {
    const status = await transport.getAccount();
    const paused = !status.sendingEnabled || status.enforcementStatus === "SHUTDOWN";
    await db
      .update(accountMailState)
      .set({
        sendingEnabled: status.sendingEnabled,
        enforcementStatus: status.enforcementStatus,
        maxSendRate: status.maxSendRate,
        max24HourSend: status.max24HourSend,
        sentLast24Hours: status.sentLast24Hours,
        checkedAt: now,
        checkError: null,
        pausedUntil: paused ? new Date(now.getTime() + PAUSE_RECHECK_MS) : null,
        ...(paused ? pauseBegins(now) : pauseEnds(now)),
      })
      .where(sql`${accountMailState.id} = 1`);
    return { ok: true as const, status };
  } catch (error) {
    const message = `${(error as Error).name}: ${(error as Error).message}`.slice(0, 500);
    await db
      .update(accountMailState)
      .set({ checkError: message })
      .where(sql`${accountMailState.id} = 1`);
    return { ok: false as const, error: message };
  }
}

/** SES said SendingPaused or AccountSuspended: hold everything until GetAccount is checked again. */
export async function pauseAccount(db: Executor, reason: string, now = new Date()) {
  await db
    .update(accountMailState)
    .set({
      pausedUntil: new Date(now.getTime() + PAUSE_RECHECK_MS),
      checkError: reason.slice(0, 500),
      ...pauseBegins(now),
    })
    .where(sql`${accountMailState.id} = 1`);
}

/**
 * Takes up to `wanted` tokens from the bucket shared by every dispatcher process: it refills at the
 * account's MaxSendRate and holds at most one second's worth, and never grants past the 24-hour quota.
 */
export async function takeTokens(
  db: Executor,
  wanted: number,
  sentLast24h: number,
): Promise<{ granted: number; rate: number }> {
  if (wanted <= 0) return { granted: 0, rate: 1 };
  const rows = await db.execute<{ granted: number; rate: number }>(sql`
    with b as (
      select tokens, refilled_at, greatest(coalesce(max_send_rate, 1), 0.001) as rate,
             coalesce(max_24_hour_send, 200) as quota
      from account_mail_state where id = 1 for update
    ), calc as (
      select least(greatest(rate, 1), tokens + extract(epoch from clock_timestamp() - refilled_at) * rate) as avail,
             rate, greatest(0, quota - ${sentLast24h}) as quota_left
      from b
    ), grant_ as (
      select avail, rate, least(floor(avail), ${wanted}, quota_left)::int as granted from calc
    )
    update account_mail_state a
       set tokens = grant_.avail - grant_.granted, refilled_at = clock_timestamp()
      from grant_ where a.id = 1
    returning grant_.granted as granted, grant_.rate as rate`);
  const row = rows[0];
  return { granted: Number(row?.granted ?? 0), rate: Number(row?.rate ?? 1) };
}

/**
 * Gives back tokens a batch took but did not use (held or blocked mail). Never past one second's
 * worth: another process may have refilled the bucket meanwhile, and a bucket over its capacity
 * would let a later batch send faster than MaxSendRate allows.
 */
export async function returnTokens(db: Executor, unused: number): Promise<void> {
  if (unused <= 0) return;
  await db.execute(sql`
    update account_mail_state
       set tokens = least(tokens + ${unused}, greatest(coalesce(max_send_rate, 1), 1))
     where id = 1`);
}
