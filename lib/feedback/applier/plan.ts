/**
 * What a batch of SES events does, worked out in memory from the mails they are about (locked, as
 * they are now): the events are taken in the order SES produced them and folded through the same
 * transitions one event at a time would make, then each table gets one set-based write. Pure.
 */
import type { RollupColumn, RollupEntry } from "@/lib/health/rollup";
import type { TenantOutcome } from "@/lib/health/tenant-state";
import type { Outcome } from "@/lib/health/window";
import {
  mailKey,
  sesTransition,
  type MailForEvent,
  type SesOutcome,
  type SesTransition,
} from "@/lib/mail/outbox";
import type { AddressOutcome } from "@/lib/members/email-status";
import type { SuppressionEntry } from "@/lib/suppressions";
import { kindOf, type SesEventKind } from "../events";

/** An event as stored by the webhook and claimed by an applier. */
export type PendingEvent = {
  id: number;
  eventType: string;
  sesMessageId: string | null;
  recipients: string[];
  bounceType: string | null;
  bounceSubType: string | null;
  occurredAt: Date | null;
  receivedAt: Date;
  /** Our outbox id from the mail's tags, when SES reported it. */
  outboxTag: number | null;
};

export type BatchPlan = {
  /** One per mail: its events folded into one forward move. */
  moves: { mailId: number; transition: SesTransition }[];
  /** Delivered to: bulk mail to these is not unconfirmed any more. */
  confirmed: string[];
  suppressions: SuppressionEntry[];
  /** One per tenant and address: the status its members' addresses end in. */
  addresses: AddressOutcome[];
  /** Resolved bulk mail, in SES's order, for the tenants' windows and breakers. */
  outcomes: TenantOutcome[];
  rollup: RollupEntry[];
  /** Each event with the mail and tenant it turned out to be about. */
  links: { eventId: number; mailId: number | null; tenantId: string | null }[];
};

type Kind = { kind: SesEventKind; permanent: boolean };

/** What the event means for the mail (outbox) and for the tenant's window and breaker. */
function outcomeOf(
  { kind, permanent }: Kind,
  subType: string | null,
): { mail: SesOutcome | null; window: Outcome | null } {
  switch (kind) {
    case "delivery":
      return { mail: { kind: "delivered" }, window: "delivered" };
    case "bounce":
      return permanent
        ? { mail: { kind: "bounced", subType }, window: "hard_bounce" }
        : { mail: { kind: "soft_bounce", subType }, window: "soft_bounce" };
    case "complaint":
      return { mail: { kind: "complained" }, window: "complaint" };
    default:
      return { mail: null, window: null };
  }
}

const ROLLUP_COLUMN: Partial<Record<SesEventKind, RollupColumn>> = {
  send: "sends",
  delivery: "deliveries",
  complaint: "complaints",
  reject: "rejects",
  delivery_delay: "delays",
};

function rollupColumn({ kind, permanent }: Kind): RollupColumn | null {
  if (kind === "bounce") return permanent ? "hard_bounces" : "soft_bounces";
  return ROLLUP_COLUMN[kind] ?? null;
}

/** SES's order: when SES says it happened, then as received. */
export function sesOrder(a: PendingEvent, b: PendingEvent): number {
  const at = (e: PendingEvent) => (e.occurredAt ?? e.receivedAt).getTime();
  return at(a) - at(b) || a.id - b.id;
}

export const refOf = (e: PendingEvent) =>
  e.sesMessageId ? { sesMessageId: e.sesMessageId, outboxTag: e.outboxTag } : null;

export function planBatch(
  events: readonly PendingEvent[],
  mails: ReadonlyMap<string, MailForEvent>,
): BatchPlan {
  const plan: BatchPlan = {
    moves: [],
    confirmed: [],
    suppressions: [],
    addresses: [],
    outcomes: [],
    rollup: [],
    links: [],
  };
  // Each mail as the events so far left it, and whether any of them moved its status.
  const state = new Map<number, { mail: MailForEvent; moved: boolean; resolved: boolean }>();
  const addressStatus = new Map<string, AddressOutcome>();

  for (const event of [...events].sort(sesOrder)) {
    const ref = refOf(event);
    const found = ref ? mails.get(mailKey(ref)) : undefined;
    let current = found ? state.get(found.id) : undefined;
    if (found && !current) {
      current = { mail: { ...found }, moved: false, resolved: false };
      state.set(found.id, current);
    }
    const mail = current?.mail ?? null;
    plan.links.push({
      eventId: event.id,
      mailId: mail?.id ?? null,
      tenantId: mail?.tenantId ?? null,
    });

    const kind: Kind = {
      kind: kindOf(event.eventType),
      permanent: event.bounceType === "Permanent",
    };
    const outcome = outcomeOf(kind, event.bounceSubType);
    const transition = current && outcome.mail ? sesTransition(current.mail, outcome.mail) : null;
    const unconfirmed = current?.mail.unconfirmed ?? false;
    if (current && transition) {
      current.moved = true;
      current.mail.reason = transition.reason;
      if (transition.status) {
        // A resolved mail leaves the windows: a later event for it finds it confirmed.
        current.mail.status = transition.status;
        current.mail.unconfirmed = false;
        current.resolved = true;
      }
    }
    if (kind.kind === "delivery") plan.confirmed.push(...event.recipients);
    const suppress = (kind.kind === "bounce" && kind.permanent) || kind.kind === "complaint";
    if (suppress) {
      // For the account always; for the tenant when the mail is ours.
      for (const address of event.recipients) {
        plan.suppressions.push({
          tenantId: mail?.tenantId ?? null,
          address,
          reason: kind.kind === "complaint" ? "complaint" : "bounce",
          detail: {
            sesMessageId: event.sesMessageId,
            bounceSubType: event.bounceSubType,
            eventId: event.id,
          },
        });
      }
    }
    const emailStatus =
      kind.kind === "complaint"
        ? "complained"
        : suppress
          ? "bounced"
          : kind.kind === "delivery"
            ? "ok"
            : null;
    if (mail?.tenantId && emailStatus) {
      for (const address of event.recipients) {
        const key = `${mail.tenantId} ${address.toLowerCase()}`;
        // A delivery never clears a bounce or complaint: the last of those wins, else "ok".
        if (emailStatus !== "ok" || !addressStatus.has(key)) {
          addressStatus.set(key, { tenantId: mail.tenantId, address, status: emailStatus });
        }
      }
    }
    if (mail?.tenantId && transition?.moved && outcome.window && mail.lane === "bulk") {
      // Only resolved bulk mail feeds the window and breaker.
      plan.outcomes.push({ tenantId: mail.tenantId, outcome: outcome.window, unconfirmed });
    }
    const column = rollupColumn(kind);
    // Our own sends were counted as they left; SES's Send event counts only another sender's.
    if (column && !(column === "sends" && mail)) {
      plan.rollup.push({
        at: event.occurredAt ?? event.receivedAt,
        tenantId: mail?.tenantId ?? null,
        category: mail?.category ?? "unknown",
        column,
      });
    }
  }
  for (const { mail, moved, resolved } of state.values()) {
    if (!moved) continue;
    plan.moves.push({
      mailId: mail.id,
      transition: { status: resolved ? mail.status : null, reason: mail.reason, moved },
    });
  }
  plan.addresses = [...addressStatus.values()];
  return plan;
}
