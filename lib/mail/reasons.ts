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
};

export const REASON_TEXT: Record<string, string> = {
  no_address: "There is no e-mail address to send to.",
  invalid_address: "The address is not a valid e-mail address. Correct it and send again.",
  domain_not_found:
    "The address's domain does not exist, so the mail would bounce. Correct the address.",
  suppressed: "This address bounced or complained before and is on the suppression list.",
  account_paused:
    "Sending is paused for the whole platform by SES; it resumes by itself when SES allows.",
  account_guard: "Bulk mail is paused while the platform's bounce or complaint rate is high.",
  tenant_paused:
    "Bulk mail for your organisation is paused because of bounces. Fix the addresses and resume.",
  window_full:
    "Waiting for earlier mail to new addresses to be confirmed; it goes out in a moment.",
  rate_limited: "Waiting for the platform's send rate; it goes out in a moment.",
};

export function reasonText(reason: string | null): string | null {
  if (!reason) return null;
  return REASON_TEXT[reason] ?? reason;
}
