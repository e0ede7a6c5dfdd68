import { sql } from "drizzle-orm";
import { pgOf, type Executor } from "@/db/client";
import { eventKey, storableJson, type ParsedSesEvent } from "./events";

/** The channel the webhook notifies and every feedback applier listens on. */
export const FEEDBACK_CHANNEL = "sendwell_feedback";

export type ReceiveResult = { status: "recorded" | "duplicate" };

/**
 * Stores one SES event, unapplied, in one statement: the webhook's whole write, so SNS gets its 200
 * as soon as the event is durable, however slow applying it is. A repeat (the same SES event under
 * the same or another SNS MessageId) adds nothing; a copy under another MessageId is noted in
 * `duplicate_sns_ids`. A new event wakes the appliers (`wakeAppliers`).
 */
export async function receiveSesEvent(
  db: Executor,
  input: { snsMessageId: string; topicArn: string; event: ParsedSesEvent; message: string },
): Promise<ReceiveResult> {
  const { event } = input;
  // postgres.js itself, not drizzle: its tagged query is a prepared statement on each connection,
  // so after the first time a receipt is one Bind/Execute round trip (drizzle's `execute` sends
  // every query unnamed, described first: two round trips and a fresh plan each time).
  const [row] = await pgOf(db)<{ fresh: boolean }[]>`
    insert into ses_events (sns_message_id, topic_arn, event_type, ses_message_id, recipients,
                            bounce_type, bounce_sub_type, occurred_at, payload, event_key)
    values (${input.snsMessageId}, ${input.topicArn}, ${event.type}, ${event.sesMessageId},
            ${event.recipients}::text[], ${event.bounceType}, ${event.bounceSubType},
            ${event.occurredAt?.toISOString() ?? null}::timestamptz, ${storableJson(input.message)}::jsonb,
            ${eventKey(event, input.snsMessageId)})
    on conflict (event_key) do update
       set duplicate_sns_ids = ses_events.duplicate_sns_ids || excluded.sns_message_id
     where ses_events.sns_message_id <> excluded.sns_message_id
       and not excluded.sns_message_id = any(ses_events.duplicate_sns_ids)
    returning (xmax = 0) as fresh`;
  if (!row?.fresh) return { status: "duplicate" };
  wakeAppliers(db);
  return { status: "recorded" };
}

/** At most one notification per this long from a process: enough to wake the appliers at once. */
export const NOTIFY_EVERY_MS = 50;
let lastNotify = 0;
let trailing: ReturnType<typeof setTimeout> | null = null;

/**
 * Tells every applier (LISTEN) that events are waiting, once per `NOTIFY_EVERY_MS` at most, and
 * always once after the last event of a burst. A NOTIFY inside each insert's transaction halved the
 * webhook's rate (commits queue on PostgreSQL's notification lock); the appliers take every due
 * event when woken, and poll should a notification be lost.
 */
export function wakeAppliers(db: Executor): void {
  if (trailing) return;
  const notify = () => {
    lastNotify = Date.now();
    db.execute(sql`select pg_notify(${FEEDBACK_CHANNEL}, '')`).catch((e: unknown) => {
      console.warn(`[feedback] could not wake the appliers (they poll): ${(e as Error).message}`);
    });
  };
  const wait = lastNotify + NOTIFY_EVERY_MS - Date.now();
  if (wait <= 0) notify();
  else {
    trailing = setTimeout(() => {
      trailing = null;
      notify();
    }, wait);
    trailing.unref?.();
  }
}
