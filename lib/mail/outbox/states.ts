/**
 * The outbox's state machine in one place (DESIGN.md, "The mail pipeline"):
 *   queued -> sending -> sent -> delivered | bounced | complained
 *   queued -> held(reason, until) -> queued      queued -> blocked(reason)
 *   sending -> failed(reason), or back to queued with backoff      any waiting mail -> cancelled
 *   a waiting login code or reset past its validity -> expired (never sent late)
 * Only the functions of this folder move a mail from one state to another.
 */
import type { MailCategory, MailStatus } from "@/db/schema/mail";

/** Waiting to go out: the dispatcher claims these by itself once they are due (a hold is due at its `until`). */
export const WAITING = ["queued", "held"] as const satisfies readonly MailStatus[];

/** States after which nothing more will happen to a mail on its own. */
export const FINAL_STATUSES = [
  "delivered",
  "bounced",
  "complained",
  "blocked",
  "failed",
  "cancelled",
  "expired",
] as const satisfies readonly MailStatus[];

/**
 * How far along a sent mail is. SES's events may arrive in any order and more than once: an event
 * only ever moves a mail forward (a late Delivery never undoes a Bounce).
 */
const DELIVERY_RANK: Partial<Record<MailStatus, number>> = {
  sending: 0,
  sent: 1,
  delivered: 2,
  bounced: 3,
  complained: 4,
};

/** Whether an SES outcome may move a mail from `from` to `to`. */
export function movesForward(from: MailStatus, to: MailStatus): boolean {
  const a = DELIVERY_RANK[from];
  const b = DELIVERY_RANK[to];
  return a !== undefined && b !== undefined && b > a;
}

/**
 * Why waiting mail is cancelled, and which states each cancel touches:
 * - `superseded`: a newer mail of the same kind replaces it (a new invitation link). Only mail that
 *   would still go out is cancelled; a blocked one stays, as the record of why the old one never left.
 * - `address_removed`: the address it was going to was taken off the member (it bounced); a
 *   blocked one stays as the record of why it never left.
 * - `member_deleted`: the member is gone, so nobody is left to remedy a blocked mail either.
 * - `message_read`: a message notice whose message was read before the notice left.
 */
export const CANCELS = {
  superseded: WAITING,
  address_removed: WAITING,
  member_deleted: [...WAITING, "blocked"],
  message_read: WAITING,
} as const satisfies Record<string, readonly MailStatus[]>;

export type CancelReason = keyof typeof CANCELS;

/**
 * How long mail that is useless when late stays worth sending, from when it was queued: a login
 * code works 10 minutes, a reset link an hour. Past that it is `expired`, never sent.
 */
export const VALIDITY_MS = {
  login_code: 10 * 60_000,
  password_reset: 60 * 60_000,
} as const satisfies Partial<Record<MailCategory, number>>;
