/** What operators see of the applier (its backlog, parked events) and the one thing they can do. */
import { sql } from "drizzle-orm";
import { db as defaultDb, type Executor } from "@/db/client";
import type { Actor } from "@/lib/auth/actor";
import { FEEDBACK_CHANNEL } from "../receive";

export type ApplierBacklog = {
  /** Stored and not applied yet (due now or waiting to be retried), parked ones aside. */
  pending: number;
  /** Of those, waiting for a retry after a failed apply. */
  retrying: number;
  /** When the oldest unapplied event arrived. */
  oldestAt: Date | null;
  parked: number;
  /** Other SNS MessageIds that brought an SES event already stored, over the last 24 hours. */
  duplicatesLastDay: number;
};

/** Index reads only: the pending and parked events are partial indexes. */
export async function applierBacklog(db: Executor = defaultDb): Promise<ApplierBacklog> {
  // A raw query's timestamps arrive as text (drizzle turns the driver's date parsing off).
  const [row] = await db.execute<{
    pending: number;
    retrying: number;
    oldest: string | null;
    parked: number;
    duplicates: number;
  }>(sql`
    select (select count(*) from ses_events where applied_at is null and parked_at is null)::int as pending,
           (select count(*) from ses_events
             where applied_at is null and parked_at is null and apply_attempts > 0)::int as retrying,
           (select received_at from ses_events
             where applied_at is null and parked_at is null order by id limit 1) as oldest,
           (select count(*) from ses_events where parked_at is not null)::int as parked,
           (select coalesce(sum(cardinality(duplicate_sns_ids)), 0) from ses_events
             where received_at > now() - interval '24 hours' and duplicate_sns_ids <> '{}'::text[])::int as duplicates`);
  return {
    pending: Number(row?.pending ?? 0),
    retrying: Number(row?.retrying ?? 0),
    oldestAt: row?.oldest ? new Date(row.oldest) : null,
    parked: Number(row?.parked ?? 0),
    duplicatesLastDay: Number(row?.duplicates ?? 0),
  };
}

export type ParkedEvent = {
  id: number;
  eventType: string;
  sesMessageId: string | null;
  recipients: string[];
  receivedAt: Date;
  parkedAt: Date;
  attempts: number;
  error: string | null;
};

/** The parked events, newest first. */
export async function parkedEvents(limit = 20, db: Executor = defaultDb): Promise<ParkedEvent[]> {
  const rows = await db.execute<
    Omit<ParkedEvent, "id" | "receivedAt" | "parkedAt"> & {
      id: string;
      receivedAt: string;
      parkedAt: string;
    }
  >(sql`
    select id, event_type as "eventType", ses_message_id as "sesMessageId", recipients,
           received_at as "receivedAt", parked_at as "parkedAt", apply_attempts as attempts,
           apply_error as error
      from ses_events where parked_at is not null
     order by id desc limit ${limit}`);
  return rows.map((r) => ({
    ...r,
    id: Number(r.id),
    attempts: Number(r.attempts),
    receivedAt: new Date(r.receivedAt),
    parkedAt: new Date(r.parkedAt),
  }));
}

/**
 * An operator fixed the cause: the parked event is due again, with fresh attempts, and the appliers
 * are woken; audited. False when it is not parked (applied meanwhile, retried already, no such event).
 */
export async function retryParkedEvent(
  eventId: number,
  operator: Pick<Actor, "userId">,
  db: Executor = defaultDb,
): Promise<boolean> {
  const rows = await db.execute(sql`
    with retried as (
      update ses_events set parked_at = null, apply_attempts = 0, apply_after = now()
       where id = ${eventId} and parked_at is not null and applied_at is null
      returning id, apply_error
    ), audited as (
      insert into audit_log (actor_id, action, subject_id, detail)
      select ${operator.userId}::uuid, 'feedback.retried', id::text,
             jsonb_build_object('error', apply_error)
        from retried
    )
    select id, pg_notify(${FEEDBACK_CHANNEL}, '') from retried`);
  return rows.length > 0;
}
