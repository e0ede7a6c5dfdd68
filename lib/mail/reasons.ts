import type { MailStatus } from "@/db/schema/mail";

/** What each state and reason means to the person looking at it, and what happens next. */
export const STATUS_LABEL: Record<MailStatus, string> = {
  queued: "Queued",
  held: "Held",
  sending: "Sending",
  sent: "Sent to SES",
  delivered: "Delivered",
  bounced: "Bounced",
  complained: "Marked as spam",
  blocked: "Blocked",
  failed: "Failed",
  cancelled: "Cancelled",
  expired: "Expired (not sent late)",
};

export const REASON_TEXT: Record<string, string> = {
  no_address: "There is no e-mail address to send to.",
  invalid_address: "The address is not a valid e-mail address. Correct it and send again.",
  domain_not_found:
    "The address's domain does not exist, so the mail would bounce. Correct the address.",
  suppressed: "This address bounced or complained before and is on the suppression list.",
  account_paused:
    "Sending is paused for the whole platform by SES; it resumes by itself when SES allows.",
  bulk_stopped:
    "An operator stopped bulk mail for the whole platform; it goes out when they lift the stop.",
  account_guard: "Bulk mail is paused while the platform's bounce or complaint rate is high.",
  tenant_paused:
    "Bulk mail for this organisation is paused: its Send health page says why and how to resume.",
  window_full:
    "Waiting for earlier mail to new addresses to be confirmed; it goes out in a moment.",
  rate_limited: "Waiting for the platform's send rate; it goes out in a moment.",
  superseded: "A newer mail of the same kind replaced it.",
  member_deleted: "The member was deleted before it went out.",
  address_removed: "The address was taken off the member before it went out.",
  complaint: "The recipient marked it as spam; the address is suppressed.",
  message_read: "The message was read before its notice went out, so no notice was needed.",
  not_sent_in_time:
    "It could not leave within its validity (sending was held), so it was not sent late. The person asks again.",
};

const BOUNCE_TEXT: Record<string, string> = {
  General: "The receiving server refused it for good.",
  NoEmail: "The mailbox does not exist.",
  Suppressed: "SES did not send it: the address is on SES's suppression list.",
  OnAccountSuppressionList:
    "SES did not send it: the address is on the account's suppression list.",
  MailboxFull: "The mailbox is full; SES keeps trying for a while.",
  MessageTooLarge: "The message was too large for the receiving server.",
  ContentRejected: "The receiving server rejected the content.",
  AttachmentRejected: "The receiving server rejected an attachment.",
  Undetermined: "It bounced; the receiving server did not say why.",
};

/** A mail's reason in words: the guard's holds and blocks, cancels, and SES's bounce types. */
export function reasonText(reason: string | null): string | null {
  if (!reason) return null;
  if (REASON_TEXT[reason]) return REASON_TEXT[reason];
  const bounce = /^(soft_)?bounce:(.+)$/.exec(reason);
  if (bounce) {
    const text = BOUNCE_TEXT[bounce[2]!] ?? `It bounced (${bounce[2]}).`;
    return bounce[1] ? `Delayed: ${text}` : `Hard bounce: ${text}`;
  }
  return reason;
}
