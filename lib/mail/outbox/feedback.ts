/** What SES's feedback does to a mail: finds it, and moves it forward (never back). */
import { pgOf, type Executor } from "@/db/client";
import type { MailStatus, OutboundEmail } from "@/db/schema";
import { movesForward } from "./states";

export type MailForEvent = Pick<
  OutboundEmail,
  "id" | "tenantId" | "category" | "lane" | "status" | "reason"
> & {
  /** It went out unconfirmed (to an address never delivered to before): it feeds the window. */
  unconfirmed: boolean;
};

/** Which mail an event is about: SES's message id, and our outbox id from its tags when it has one. */
export type MailRef = { sesMessageId: string; outboxTag: number | null };

const refKey = (ref: MailRef) => `${ref.sesMessageId} ${ref.outboxTag ?? ""}`;

/**
 * The mails a batch of events is about, locked for the batch's transaction (in id order, so two
 * appliers never wait on each other in a circle), keyed by `mailKey(ref)`. Our outbox id rides
 * along in the tags: it picks the right row if a message id repeats, and finds the mail when SES's
 * event beats the dispatcher's own record of the send.
 */
export async function lockMailsForEvents(
  tx: Executor,
  refs: readonly MailRef[],
): Promise<Map<string, MailForEvent>> {
  const unique = [...new Map(refs.map((r) => [refKey(r), r])).values()];
  if (unique.length === 0) return new Map();
  type Row = Omit<MailForEvent, "id"> & { id: number | string; ses: string; tag: string };
  // By message id (an index lookup each), else by the tag for a row still being sent; then locked,
  // in id order, in the same statement.
  // postgres.js, prepared: the feedback applier runs this once a batch.
  const rows = await pgOf(tx)<Row[]>`
    with ref as (
      select * from unnest(${unique.map((r) => r.sesMessageId)}::text[],
                           ${unique.map((r) => r.outboxTag ?? -1)}::bigint[]) as r(ses, tag)
    ), by_ses as (
      select distinct on (r.ses, r.tag) r.ses, r.tag, o.id
        from ref r join outbound_emails o on o.ses_message_id = r.ses
       order by r.ses, r.tag, (o.id = r.tag) desc, o.id
    ), found as (
      select ses, tag, id from by_ses
      union all
      select r.ses, r.tag, o.id
        from ref r join outbound_emails o
          on o.id = r.tag and o.status = 'sending' and o.ses_message_id is null
       where not exists (select 1 from by_ses b where b.ses = r.ses and b.tag = r.tag)
    ), locked as (
      select id, tenant_id, category, lane, status, reason, confirm_by is not null as unconfirmed
        from outbound_emails where id in (select id from found)
       order by id
         for update
    )
    select f.ses, f.tag, l.id, l.tenant_id as "tenantId", l.category, l.lane, l.status, l.reason,
           l.unconfirmed
      from found f join locked l on l.id = f.id`;
  const mails = new Map<string, MailForEvent>();
  for (const { ses, tag, ...mail } of rows) {
    const outboxTag = Number(tag) < 0 ? null : Number(tag);
    mails.set(refKey({ sesMessageId: ses, outboxTag }), { ...mail, id: Number(mail.id) });
  }
  return mails;
}

export const mailKey = refKey;

export type SesOutcome =
  | { kind: "delivered" }
  | { kind: "bounced"; subType: string | null }
  | { kind: "complained" }
  | { kind: "soft_bounce"; subType: string | null };

export type SesTransition = { status: MailStatus | null; reason: string | null; moved: boolean };

/**
 * What an outcome does to a mail in its current state, or null for nothing. A delivery, hard bounce
 * or complaint moves it forward and resolves it; a soft bounce (SES keeps trying) only says why in
 * the reason, and counts as a move the first time.
 */
export function sesTransition(mail: MailForEvent, outcome: SesOutcome): SesTransition | null {
  if (outcome.kind === "soft_bounce") {
    if (mail.status !== "sent" && mail.status !== "sending") return null;
    return {
      status: null,
      reason: `soft_bounce:${outcome.subType ?? "General"}`,
      moved: mail.reason === null,
    };
  }
  if (!movesForward(mail.status, outcome.kind)) return null;
  const reason =
    outcome.kind === "bounced"
      ? `bounce:${outcome.subType ?? "General"}`
      : outcome.kind === "complained"
        ? "complaint"
        : null;
  return { status: outcome.kind, reason, moved: true };
}

/**
 * Writes the transitions worked out by `sesTransition`, one per mail (a batch's events for one mail
 * folded in SES's order): the mails must be locked by `lockMailsForEvents` in the same transaction.
 */
export async function applySesTransitions(
  tx: Executor,
  moves: readonly { mailId: number; transition: SesTransition }[],
): Promise<void> {
  if (moves.length === 0) return;
  await pgOf(tx)`
    update outbound_emails o
       set status = coalesce(m.status::mail_status, o.status), reason = m.reason,
           confirm_by = case when m.status is null then o.confirm_by end,
           resolved_at = case when m.status is null then o.resolved_at else now() end,
           updated_at = now()
      from unnest(${moves.map((m) => m.mailId)}::bigint[],
                  ${moves.map((m) => m.transition.status)}::text[],
                  ${moves.map((m) => m.transition.reason)}::text[]) as m(id, status, reason)
     where o.id = m.id`;
}
