import type { MailLine } from "@/lib/mail/history";
import { Badge, type Tone } from "./badge";

const TONE: Record<MailLine["status"], Tone> = {
  queued: "info",
  sending: "info",
  held: "warn",
  sent: "info",
  delivered: "ok",
  bounced: "stop",
  complained: "stop",
  blocked: "stop",
  failed: "stop",
  cancelled: "muted",
  expired: "warn",
};

const CATEGORY: Record<MailLine["category"], string> = {
  invitation: "Invitation",
  message_notice: "Message notice",
  password_reset: "Password reset",
  login_code: "Login code",
  announcement: "Announcement",
  alert: "Alert",
};

/** Every mail to one member, newest first: what it was, where it went, what became of it and why. */
export function MailHistory({ lines }: { lines: MailLine[] }) {
  if (lines.length === 0) {
    return <p className="mt-2 text-sm text-slate-600">No mail has been sent to this member.</p>;
  }
  return (
    <div className="mt-2 overflow-x-auto">
      <table className="w-full min-w-[44rem] text-left text-sm" data-testid="mail-history">
        <caption className="sr-only">Mail to this member, newest first</caption>
        <thead className="text-slate-600">
          <tr>
            <th className="py-1 pr-3 font-medium">Mail</th>
            <th className="py-1 pr-3 font-medium">Address</th>
            <th className="py-1 pr-3 font-medium">State</th>
            <th className="py-1 pr-3 font-medium">Tries at SES</th>
            <th className="py-1 pr-3 font-medium">Queued · sent · settled (UTC)</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 align-top">
          {lines.map((m) => (
            <tr key={m.id}>
              <td className="py-2 pr-3">{CATEGORY[m.category]}</td>
              <td className="py-2 pr-3 break-all">{m.address ?? "none"}</td>
              <td className="py-2 pr-3">
                <Badge tone={TONE[m.status]}>{m.statusText}</Badge>
                {m.reasonText && <div className="mt-1 text-xs text-slate-600">{m.reasonText}</div>}
                {m.diagnostic && (
                  <div className="mt-1 text-xs break-words text-slate-500">
                    {m.bounceType ? `${m.bounceType}: ` : ""}
                    {m.diagnostic}
                  </div>
                )}
              </td>
              <td className="py-2 pr-3 tabular-nums">{m.attempts}</td>
              <td className="py-2 pr-3 text-xs whitespace-nowrap">
                {m.queuedAt}
                <br />
                {m.sentAt ?? "not sent"}
                <br />
                {m.resolvedAt ?? "—"}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
