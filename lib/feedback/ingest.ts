import { sql } from "drizzle-orm";
import type { Database, Executor } from "@/db/client";
import { recordOutcome } from "@/lib/health/tenant-state";
import type { Outcome } from "@/lib/health/window";
import type { ParsedSesEvent } from "./events";

/** The zero uuid stands for "not one of our tenants" in the hourly rollup. */
export const NO_TENANT = "00000000-0000-0000-0000-000000000000";

/** How far along a mail is; an event may only move it forward (a late Delivery never undoes a Bounce). */
const RANK: Record<string, number> = {
  sending: 0,
  sent: 1,
  delivered: 2,
  bounced: 3,
  complained: 4,
};

export type IngestResult =
  | { status: "duplicate" }
  | { status: "recorded"; eventId: number; outboundEmailId: number | null; moved: boolean };

type Row = {
  id: number;
  tenant_id: string;
  category: string;
  lane: "bulk" | "transactional";
  status: string;
  reason: string | null;
  /** Set when the mail went out unconfirmed (to an address never delivered to before). */
  confirm_by: string | null;
};

function target(event: ParsedSesEvent): { status: string | null; outcome: Outcome | null } {
  switch (event.kind) {
    case "delivery":
      return { status: "delivered", outcome: "delivered" };
    case "bounce":
      return event.bounceType === "Permanent"
        ? { status: "bounced", outcome: "hard_bounce" }
        : { status: null, outcome: "soft_bounce" };
    case "complaint":
      return { status: "complained", outcome: "complaint" };
    default:
      return { status: null, outcome: null };
  }
}

const ROLLUP_COLUMN: Partial<Record<ParsedSesEvent["kind"], string>> = {
  send: "sends",
  delivery: "deliveries",
  complaint: "complaints",
  reject: "rejects",
  delivery_delay: "delays",
};

function rollupColumn(event: ParsedSesEvent): string | null {
  if (event.kind === "bounce")
    return event.bounceType === "Permanent" ? "hard_bounces" : "soft_bounces";
  return ROLLUP_COLUMN[event.kind] ?? null;
}

async function findMail(tx: Executor, event: ParsedSesEvent): Promise<Row | null> {
  if (!event.sesMessageId) return null;
  // Our outbox id rides along in the tags: it picks the right row if a message id repeats, and finds
  // the mail when SES's event beats the dispatcher's own record of the send.
  const tagged = Number(event.tags.outbox_id?.[0]);
  const outboxId = Number.isSafeInteger(tagged) ? tagged : -1;
  const columns = sql`id, tenant_id, category, lane, status, reason, confirm_by`;
  // Two index lookups rather than one OR, which would scan the table.
  const bySes = await tx.execute<Row>(sql`
    select ${columns} from outbound_emails
     where ses_message_id = ${event.sesMessageId}
     order by (id = ${outboxId}) desc, id
     limit 1
     for update`);
  if (bySes[0] || outboxId < 0) return bySes[0] ?? null;
  const rows = await tx.execute<Row>(sql`
    select ${columns} from outbound_emails
     where id = ${outboxId} and status = 'sending' and ses_message_id is null
     for update`);
  return rows[0] ?? null;
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
    const mail = await findMail(tx, event);
    const inserted = await tx.execute<{ id: number }>(sql`
      insert into ses_events (sns_message_id, topic_arn, event_type, ses_message_id, outbound_email_id,
                              tenant_id, recipients, bounce_type, bounce_sub_type, occurred_at, payload)
      values (${input.snsMessageId}, ${input.topicArn}, ${event.type}, ${event.sesMessageId}, ${mail?.id ?? null},
              ${mail?.tenant_id ?? null}, ${sql.param(event.recipients)}::text[], ${event.bounceType},
              ${event.bounceSubType}, ${event.occurredAt?.toISOString() ?? null}, ${JSON.stringify(input.payload)}::jsonb)
      on conflict (sns_message_id) do nothing
      returning id`);
    if (inserted.length === 0) return { status: "duplicate" };
    const eventId = Number(inserted[0]!.id);

    const { status: next, outcome } = target(event);
    let moved = false;
    // Independent writes go out together (postgres.js pipelines them on the transaction's connection).
    const writes: Promise<unknown>[] = [];
    if (mail) {
      const current = RANK[mail.status];
      if (next && current !== undefined && RANK[next]! > current) {
        moved = true;
        const reason =
          event.kind === "bounce"
            ? `bounce:${event.bounceSubType ?? "General"}`
            : event.kind === "complaint"
              ? "complaint"
              : null;
        writes.push(
          tx.execute(sql`
            update outbound_emails
               set status = ${next}, confirm_by = null, resolved_at = now(), updated_at = now(), reason = ${reason}
             where id = ${mail.id}`),
        );
      } else if (
        event.kind === "bounce" &&
        !next &&
        (mail.status === "sent" || mail.status === "sending")
      ) {
        // A soft bounce: SES keeps trying; the mail stays sent, the reason says what happened.
        moved = mail.reason === null;
        writes.push(
          tx.execute(sql`
            update outbound_emails set reason = ${`soft_bounce:${event.bounceSubType ?? "General"}`}, updated_at = now()
             where id = ${mail.id}`),
        );
      }
    }
    const recipients = sql.param(event.recipients);
    if (event.kind === "delivery" && event.recipients.length) {
      writes.push(
        tx.execute(sql`
          insert into confirmed_addresses (address)
          select unnest(${recipients}::text[]) on conflict do nothing`),
      );
    }
    const suppress =
      (event.kind === "bounce" && event.bounceType === "Permanent") || event.kind === "complaint";
    if (suppress && event.recipients.length) {
      const reason = event.kind === "complaint" ? "complaint" : "bounce";
      const detail = JSON.stringify({
        sesMessageId: event.sesMessageId,
        bounceSubType: event.bounceSubType,
        eventId,
      });
      // For the account always; for the tenant when the mail is ours.
      writes.push(
        tx.execute(sql`
          insert into suppressions (scope, tenant_id, address, reason, detail)
          select s.scope::suppression_scope, s.tenant_id, a, ${reason}, ${detail}::jsonb
            from unnest(${recipients}::text[]) a
           cross join (values ('account', null::uuid), ('tenant', ${mail?.tenant_id ?? null}::uuid)) s(scope, tenant_id)
           where s.scope = 'account' or s.tenant_id is not null
          on conflict do nothing`),
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
           where tenant_id = ${mail.tenant_id}
             and lower(email) = any(${sql.param(event.recipients.map((r) => r.toLowerCase()))}::text[]) ${onlyFrom}`),
      );
    }
    await Promise.all(writes);

    // The rows every event of a tenant shares come last, so their locks are held only until commit.
    const hot: Promise<unknown>[] = [];
    if (mail && moved && outcome && mail.lane === "bulk") {
      // Only resolved bulk mail feeds the window and breaker, once per mail.
      hot.push(recordOutcome(tx, mail.tenant_id, outcome, mail.confirm_by !== null));
    }
    const column = rollupColumn(event);
    if (column) {
      const hour = new Date(
        Math.floor((event.occurredAt ?? new Date()).getTime() / 3_600_000) * 3_600_000,
      );
      hot.push(
        tx.execute(sql`
          insert into mail_stats_hourly (hour, tenant_id, category, ${sql.raw(column)})
          values (${hour.toISOString()}, ${mail?.tenant_id ?? NO_TENANT}, ${mail?.category ?? "unknown"}, 1)
          on conflict (hour, tenant_id, category)
          do update set ${sql.raw(column)} = mail_stats_hourly.${sql.raw(column)} + 1`),
      );
    }
    await Promise.all(hot);
    return { status: "recorded", eventId, outboundEmailId: mail?.id ?? null, moved };
  });
}
