import type { NoticeCounts } from "@/lib/messages/sent";

const LABELS: [keyof NoticeCounts, string][] = [
  ["sent", "sent"],
  ["delivered", "delivered"],
  ["bounced", "bounced"],
  ["held", "held"],
  ["blocked", "blocked"],
  ["failed", "failed"],
  ["cancelledRead", "cancelled: read first"],
  ["waiting", "waiting"],
];

/** The notices of a message in words: only the states that occur. */
export function noticeSummary(counts: NoticeCounts, recipients: number): string {
  const parts = LABELS.filter(([k]) => counts[k] > 0).map(
    ([k, label]) => `${counts[k].toLocaleString("en")} ${label}`,
  );
  if (counts.none === recipients) return "No notices (box only)";
  return parts.length ? parts.join(" · ") : "No notices yet";
}
