/**
 * After the soak: every mail it caused and every SNS message answered 200 accounted for, read from
 * the database (and local SES's store for what was really sent).
 */
import type postgres from "postgres";
import { BOUNCE_EVERY } from "./webhooks";

const SENT = ["sent", "delivered", "bounced", "complained"];

export type Batch = { label: string; batchId: string; expected: number };

export type MailTally = {
  label: string;
  expected: number;
  rows: number;
  sent: number;
  delivered: number;
  bounced: number;
  /** Status (and reason) of what was not sent, e.g. `held:window_full`. */
  notSent: Record<string, number>;
};

/** The outbox rows of each batch by status; missing rows are lost mail. */
export async function tallyMail(sql: postgres.Sql, batches: Batch[]): Promise<MailTally[]> {
  const out: MailTally[] = [];
  for (const b of batches) {
    const rows = await sql<{ status: string; reason: string | null; n: number }[]>`
      select status::text, reason, count(*)::int as n from outbound_emails
       where batch_id = ${b.batchId} group by 1, 2`;
    const tally: MailTally = {
      label: b.label,
      expected: b.expected,
      rows: 0,
      sent: 0,
      delivered: 0,
      bounced: 0,
      notSent: {},
    };
    for (const r of rows) {
      tally.rows += r.n;
      if (SENT.includes(r.status)) tally.sent += r.n;
      else {
        const key = r.reason ? `${r.status}:${r.reason}` : r.status;
        tally.notSent[key] = (tally.notSent[key] ?? 0) + r.n;
      }
      if (r.status === "delivered") tally.delivered += r.n;
      if (r.status === "bounced") tally.bounced += r.n;
    }
    out.push(tally);
  }
  return out;
}

/** Mail claimed by a dispatcher whose lease ran out and that nobody took back: stuck. */
export async function stuckSending(sql: postgres.Sql): Promise<number> {
  const [row] = await sql<{ n: number }[]>`
    select count(*)::int as n from outbound_emails where status = 'sending' and lease_until < now()`;
  return row!.n;
}

/** Mail still to go: queued, held, or being sent. */
export async function pendingMail(sql: postgres.Sql, batchIds: string[]): Promise<number> {
  const [row] = await sql<{ n: number }[]>`
    select count(*)::int as n from outbound_emails
     where batch_id = any(${batchIds}::uuid[]) and status in ('queued', 'held', 'sending')`;
  return row!.n;
}

export async function unappliedEvents(sql: postgres.Sql): Promise<number> {
  const [row] = await sql<{ n: number }[]>`
    select count(*)::int as n from ses_events where applied_at is null and parked_at is null`;
  return row!.n;
}

export type EventTally = {
  acked: number;
  /** Answered 200 but in no stored event, under its own id or as a duplicate: lost. */
  missing: number;
  stored: number;
  applied: number;
  parked: number;
  unapplied: number;
  duplicates: number;
};

/** Every SNS MessageId answered 200 must be stored, as an event or as a duplicate of one. */
export async function tallyEvents(sql: postgres.Sql, acked: Iterable<string>): Promise<EventTally> {
  const known = new Set<string>();
  const rows = await sql<{ id: string; dups: string[] }[]>`
    select sns_message_id as id, duplicate_sns_ids as dups from ses_events`;
  for (const r of rows) {
    known.add(r.id);
    for (const d of r.dups) known.add(d);
  }
  let count = 0;
  let missing = 0;
  for (const id of acked) {
    count++;
    if (!known.has(id)) missing++;
  }
  const [t] = await sql<
    { stored: number; applied: number; parked: number; unapplied: number; duplicates: number }[]
  >`
    select count(*)::int as stored,
           count(*) filter (where applied_at is not null)::int as applied,
           count(*) filter (where parked_at is not null)::int as parked,
           count(*) filter (where applied_at is null and parked_at is null)::int as unapplied,
           coalesce(sum(cardinality(duplicate_sns_ids)), 0)::int as duplicates
      from ses_events`;
  return { acked: count, missing, ...t! };
}

/**
 * The already-sent mails the webhook traffic reported on must have moved exactly as their events
 * say (delivered, or bounced for one in BOUNCE_EVERY); the rest stay sent.
 */
export async function checkFeedOutcome(
  sql: postgres.Sql,
  feedId: string,
  sent: readonly { ses: string }[],
  reported: ReadonlySet<number>,
): Promise<{ expectedDelivered: number; expectedBounced: number; wrong: number }> {
  let expectedBounced = 0;
  for (const k of reported) if (k % BOUNCE_EVERY === 0) expectedBounced++;
  const expectedDelivered = reported.size - expectedBounced;
  const [row] = await sql<{ delivered: number; bounced: number; sent: number }[]>`
    select count(*) filter (where status = 'delivered')::int as delivered,
           count(*) filter (where status = 'bounced')::int as bounced,
           count(*) filter (where status = 'sent')::int as sent
      from outbound_emails where tenant_id = ${feedId}`;
  const wrong =
    Math.abs(row!.delivered - expectedDelivered) +
    Math.abs(row!.bounced - expectedBounced) +
    Math.abs(row!.sent - (sent.length - reported.size));
  return { expectedDelivered, expectedBounced, wrong };
}

/**
 * What local SES received against the outbox, with the dispatcher stopped: every mail the outbox
 * calls sent must be in the store, and no recipient may have the same mail (subject) twice.
 */
export async function checkAgainstSes(
  sql: postgres.Sql,
  sesUrl: string,
  tenantId: string,
): Promise<{ inSes: number; sentRows: number; notInSes: number; sentTwice: number }> {
  const rows = await sql<{ ses: string | null; to: string }[]>`
    select ses_message_id as ses, lower(to_address) as to from outbound_emails
     where tenant_id = ${tenantId} and to_address is not null`;
  const recipients = new Set(rows.map((r) => r.to));
  const res = await fetch(`${sesUrl}/store`);
  const all = (await res.json()) as {
    emails: { messageId: string; subject: string; destination: { to: string[] } }[];
  };
  // The tenant's recipients only: a shared local SES (tests) holds others' mail too.
  const emails = all.emails.filter((e) =>
    e.destination.to.some((t) => recipients.has(t.toLowerCase())),
  );
  const ids = new Set(emails.map((e) => e.messageId));
  const sent = rows.filter((r) => r.ses !== null);
  let notInSes = 0;
  for (const r of sent) if (!ids.has(r.ses!)) notInSes++;
  // Each member gets one invitation or one notice of the soak's message: a repeat is a mail sent twice.
  const seen = new Set<string>();
  let sentTwice = 0;
  for (const e of emails) {
    const key = `${e.destination.to.join(",")}\n${e.subject}`;
    if (seen.has(key)) sentTwice++;
    seen.add(key);
  }
  return { inSes: emails.length, sentRows: sent.length, notInSes, sentTwice };
}

/**
 * Lost: a mail expected but not in the outbox, an SNS message answered 200 but stored nowhere, a
 * mail the outbox calls sent that never reached SES.
 */
export function lostOf(
  mail: readonly MailTally[],
  events: Pick<EventTally, "missing">,
  ses: { notInSes: number },
): number {
  const missingMail = mail.reduce((n, t) => n + Math.max(0, t.expected - t.rows), 0);
  return missingMail + events.missing + ses.notInSes;
}
