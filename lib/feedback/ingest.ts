import { sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { inList, listValues } from "@/db/in-list";
import { addToRollup, type RollupColumn } from "@/lib/health/rollup";
import { recordOutcome } from "@/lib/health/tenant-state";
import type { Outcome } from "@/lib/health/window";
import {
  applySesTransition,
  findMailForEvent,
  sesTransition,
  type SesOutcome,
} from "@/lib/mail/outbox";
import { suppress as suppressRecipients } from "@/lib/suppressions";
import type { ParsedSesEvent } from "./events";

export { NO_TENANT } from "@/lib/health/rollup";

export type IngestResult =
  | { status: "duplicate" }
  | { status: "recorded"; eventId: number; outboundEmailId: number | null; moved: boolean };

/** What the event means for the mail (outbox) and for the tenant's window and breaker. */
function outcomeOf(event: ParsedSesEvent): { mail: SesOutcome | null; window: Outcome | null } {
  switch (event.kind) {
    case "delivery":
      return { mail: { kind: "delivered" }, window: "delivered" };
    case "bounce":
      return event.bounceType === "Permanent"
        ? { mail: { kind: "bounced", subType: event.bounceSubType }, window: "hard_bounce" }
        : { mail: { kind: "soft_bounce", subType: event.bounceSubType }, window: "soft_bounce" };
    case "complaint":
      return { mail: { kind: "complained" }, window: "complaint" };
    default:
      return { mail: null, window: null };
  }
}

const ROLLUP_COLUMN: Partial<Record<ParsedSesEvent["kind"], RollupColumn>> = {
  send: "sends",
  delivery: "deliveries",
  complaint: "complaints",
  reject: "rejects",
  delivery_delay: "delays",
};

function rollupColumn(event: ParsedSesEvent): RollupColumn | null {
  if (event.kind === "bounce")
    return event.bounceType === "Permanent" ? "hard_bounces" : "soft_bounces";
  return ROLLUP_COLUMN[event.kind] ?? null;
}

/**
 * Applies one SES event in one transaction: the event is stored under its SNS MessageId (a repeat is a
 * no-op), the mail moves forward, a permanent bounce or a complaint suppresses exactly the recipients
 * it names, the member's address status, the hourly rollup and the tenant's window and breaker follow.
 */
export async function ingestSesEvent(
  db: Database,
  input: { snsMessageId: string; topicArn: string; event: ParsedSesEvent; payload: object },
): Promise<IngestResult> {
  const { event } = input;
  return db.transaction(async (tx) => {
    // Our outbox id rides along in the tags.
    const tagged = Number(event.tags.outbox_id?.[0]);
    const mail = await findMailForEvent(
      tx,
      event.sesMessageId,
      Number.isSafeInteger(tagged) ? tagged : null,
    );
    const inserted = await tx.execute<{ id: number }>(sql`
      insert into ses_events (sns_message_id, topic_arn, event_type, ses_message_id, outbound_email_id,
                              tenant_id, recipients, bounce_type, bounce_sub_type, occurred_at, payload)
      values (${input.snsMessageId}, ${input.topicArn}, ${event.type}, ${event.sesMessageId}, ${mail?.id ?? null},
              ${mail?.tenantId ?? null}, ${sql.param(event.recipients)}::text[], ${event.bounceType},
              ${event.bounceSubType}, ${event.occurredAt?.toISOString() ?? null}, ${JSON.stringify(input.payload)}::jsonb)
      on conflict (sns_message_id) do nothing
      returning id`);
    if (inserted.length === 0) return { status: "duplicate" };
    const eventId = Number(inserted[0]!.id);

    const outcome = outcomeOf(event);
    let moved = false;
    // Independent writes go out together (postgres.js pipelines them on the transaction's connection).
    const writes: Promise<unknown>[] = [];
    const transition = mail && outcome.mail ? sesTransition(mail, outcome.mail) : null;
    if (mail && transition) {
      moved = transition.moved;
      writes.push(applySesTransition(tx, mail.id, transition));
    }
    if (event.kind === "delivery" && event.recipients.length) {
      writes.push(
        tx.execute(sql`
          insert into confirmed_addresses (address)
          ${listValues(event.recipients, "text")} on conflict do nothing`),
      );
    }
    const suppress =
      (event.kind === "bounce" && event.bounceType === "Permanent") || event.kind === "complaint";
    if (suppress) {
      // For the account always; for the tenant when the mail is ours.
      writes.push(
        suppressRecipients(tx, {
          tenantId: mail?.tenantId ?? null,
          addresses: event.recipients,
          reason: event.kind === "complaint" ? "complaint" : "bounce",
          detail: { sesMessageId: event.sesMessageId, bounceSubType: event.bounceSubType, eventId },
        }),
      );
    }
    const emailStatus =
      event.kind === "complaint"
        ? "complained"
        : suppress
          ? "bounced"
          : event.kind === "delivery"
            ? "ok"
            : null;
    if (mail && emailStatus && event.recipients.length) {
      // A delivery confirms an address we had not judged yet; it never clears a bounce or complaint.
      const onlyFrom = emailStatus === "ok" ? sql`and email_status in ('unchecked', 'ok')` : sql``;
      writes.push(
        tx.execute(sql`
          update users set email_status = ${emailStatus}, updated_at = now()
           where tenant_id = ${mail.tenantId}
             and ${inList(
               sql.raw("lower(email)"),
               event.recipients.map((r) => r.toLowerCase()),
               "text",
             )} ${onlyFrom}`),
      );
    }
    await Promise.all(writes);

    // The rows every event of a tenant shares come last, so their locks are held only until commit.
    const hot: Promise<unknown>[] = [];
    if (mail?.tenantId && moved && outcome.window && mail.lane === "bulk") {
      // Only resolved bulk mail feeds the window and breaker, once per mail.
      hot.push(recordOutcome(tx, mail.tenantId, outcome.window, mail.unconfirmed));
    }
    const column = rollupColumn(event);
    // Our own sends were counted as they left; SES's Send event counts only another sender's.
    if (column && !(column === "sends" && mail)) {
      hot.push(
        addToRollup(tx, [
          {
            at: event.occurredAt ?? new Date(),
            tenantId: mail?.tenantId ?? null,
            category: mail?.category ?? "unknown",
            column,
          },
        ]),
      );
    }
    await Promise.all(hot);
    return { status: "recorded", eventId, outboundEmailId: mail?.id ?? null, moved };
  });
}
