/**
 * What the member table says about a member's mail, in words: the latest mail's state when it is
 * waiting or stopped (a held member is "held: paused", not "unchecked"), otherwise what we know of
 * the address. Client-safe: no database in here.
 */
import type { EmailStatus, MailCategory, MailStatus } from "@/db/schema";

export type MailBadgeTone = "ok" | "warn" | "stop" | "info" | "muted";
export type MailBadge = { tone: MailBadgeTone; label: string; title: string };
export type LatestMailState = { status: MailStatus; reason: string | null; category: MailCategory };

const HELD: Record<string, [string, string]> = {
  tenant_paused: ["Held: paused", "Bulk mail of your organisation is paused. See Send health."],
  window_full: [
    "Held: waiting its turn",
    "Goes out as earlier mail to new addresses is confirmed.",
  ],
  rate_limited: ["Held: waiting its turn", "Waiting for the platform's send rate."],
  account_guard: ["Held: platform paused", "The platform's bounce rate is high; bulk mail waits."],
  bulk_stopped: ["Held: platform paused", "An operator stopped bulk mail for the platform."],
  account_paused: ["Held: platform paused", "SES paused sending for the platform."],
};

const BLOCKED: Record<string, string> = {
  no_address: "Blocked: no address",
  invalid_address: "Blocked: invalid address",
  domain_not_found: "Blocked: domain not found",
  suppressed: "Blocked: suppressed",
};

const ADDRESS: Record<EmailStatus, MailBadge> = {
  none: { tone: "muted", label: "No address", title: "Starts with an activation code." },
  unchecked: {
    tone: "info",
    label: "Not confirmed yet",
    title: "No mail has been delivered to it yet.",
  },
  ok: { tone: "ok", label: "Delivers", title: "Mail to this address has been delivered." },
  invalid: { tone: "stop", label: "Invalid", title: "The address is not valid. Correct it." },
  bounced: {
    tone: "stop",
    label: "Bounced",
    title: "Mail to it bounced for good. Correct the address.",
  },
  complained: {
    tone: "stop",
    label: "Marked as spam",
    title: "Its owner reported our mail as spam.",
  },
  suppressed: { tone: "stop", label: "Suppressed", title: "No mail goes to this address." },
};

export function mailBadge(emailStatus: EmailStatus, latest: LatestMailState | null): MailBadge {
  if (latest?.status === "held") {
    const [label, title] = HELD[latest.reason ?? ""] ?? ["Held", "Waiting to go out."];
    return { tone: "warn", label, title };
  }
  if (latest?.status === "queued" || latest?.status === "sending") {
    return { tone: "info", label: "Sending", title: "A mail is on its way out." };
  }
  if (latest?.status === "blocked") {
    return {
      tone: "stop",
      label: BLOCKED[latest.reason ?? ""] ?? "Blocked",
      title: "The last mail was not sent. Fix the address on the member's page.",
    };
  }
  if (latest?.status === "failed") {
    return {
      tone: "stop",
      label: "Failed",
      title: "SES refused the last mail. See the member's page.",
    };
  }
  return ADDRESS[emailStatus];
}

/** Every badge the table can show, for its legend. */
export const MAIL_BADGE_LEGEND: MailBadge[] = [
  ...Object.values(ADDRESS),
  { tone: "info", label: "Sending", title: "A mail is on its way out." },
  ...[...new Set(Object.values(HELD).map(([label]) => label))].map((label) => ({
    tone: "warn" as const,
    label,
    title: Object.values(HELD).find(([l]) => l === label)![1],
  })),
  ...Object.values(BLOCKED).map((label) => ({
    tone: "stop" as const,
    label,
    title: "The last mail was not sent. Fix the address on the member's page.",
  })),
  { tone: "stop", label: "Failed", title: "SES refused the last mail. See the member's page." },
];

/** The address's state in words, for filters. */
export const emailStatusLabel = (status: EmailStatus) => ADDRESS[status].label;
