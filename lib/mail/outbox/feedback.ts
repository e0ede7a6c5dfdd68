/** What SES's feedback does to a mail: finds it, and moves it forward (never back). */
import { sql } from "drizzle-orm";
import type { Executor } from "@/db/client";
import type { MailStatus, OutboundEmail } from "@/db/schema";
import { movesForward } from "./states";

export type MailForEvent = Pick<
  OutboundEmail,
  "id" | "tenantId" | "category" | "lane" | "status" | "reason"
> & {
  /** It went out unconfirmed (to an address never delivered to before): it feeds the window. */
  unconfirmed: boolean;
};

/**
 * The mail an SES event is about, locked for the event's transaction. Our outbox id rides along in
 * the tags: it picks the right row if a message id repeats, and finds the mail when SES's event
 * beats the dispatcher's own record of the send.
 */
export async function findMailForEvent(
  tx: Executor,
  sesMessageId: string | null,
  outboxTag: number | null,
): Promise<MailForEvent | null> {
  if (!sesMessageId) return null;
  const outboxId = outboxTag ?? -1;
  const columns = sql`id, tenant_id as "tenantId", category, lane, status, reason,
                      confirm_by is not null as unconfirmed`;
  type Row = Omit<MailForEvent, "id"> & { id: number | string };
  const mail = (rows: Row[]) => (rows[0] ? { ...rows[0], id: Number(rows[0].id) } : null);
  // Two index lookups rather than one OR, which would scan the table.
  const bySes = await tx.execute<Row>(sql`
    select ${columns} from outbound_emails
     where ses_message_id = ${sesMessageId}
     order by (id = ${outboxId}) desc, id
     limit 1
     for update`);
  if (bySes[0] || outboxId < 0) return mail([...bySes]);
  const byTag = await tx.execute<Row>(sql`
    select ${columns} from outbound_emails
     where id = ${outboxId} and status = 'sending' and ses_message_id is null
     for update`);
  return mail([...byTag]);
}

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

/** Writes a transition worked out by `sesTransition`. */
export async function applySesTransition(
  tx: Executor,
  mailId: number,
  transition: SesTransition,
): Promise<void> {
  if (transition.status === null) {
    await tx.execute(sql`
      update outbound_emails set reason = ${transition.reason}, updated_at = now() where id = ${mailId}`);
    return;
  }
  await tx.execute(sql`
    update outbound_emails
       set status = ${transition.status}, confirm_by = null, resolved_at = now(), updated_at = now(),
           reason = ${transition.reason}
     where id = ${mailId}`);
}
