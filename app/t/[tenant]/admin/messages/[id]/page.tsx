import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { AdminShell } from "../../admin-shell";
import { ActionForm } from "@/components/action-form";
import { Badge, type Tone } from "@/components/badge";
import { MessageBody } from "@/components/messages/message-body";
import { noticeSummary } from "@/components/messages/notice-counts";
import { Pager } from "@/components/messages/pager";
import { Alert, Card, Stat, stacked } from "@/components/ui";
import type { MailStatus } from "@/db/schema";
import { UserError } from "@/lib/errors";
import { reasonText, STATUS_LABEL } from "@/lib/mail/reasons";
import { RENOTIFY_STATUSES } from "@/lib/messages/renotify";
import { sentMessage, type SentMessage } from "@/lib/messages/sent";
import { requireAdmin } from "@/lib/web/guards";
import { renotifyMessage } from "./actions";

export const metadata: Metadata = { title: "Message" };

type Props = {
  params: Promise<{ tenant: string; id: string }>;
  searchParams: Promise<{ page?: string | string[]; posted?: string }>;
};

const TONE: Partial<Record<MailStatus, Tone>> = {
  delivered: "ok",
  sent: "info",
  bounced: "stop",
  complained: "stop",
  blocked: "stop",
  failed: "stop",
  held: "warn",
  expired: "warn",
  cancelled: "muted",
};

const MODE: Record<SentMessage["noticeMode"], string> = {
  now: "Notices sent at once",
  after_1h: "Notices only if unread after 1 hour",
  after_1d: "Notices only if unread after 1 day",
  never: "No e-mail notices",
};

export default async function SentMessagePage({ params, searchParams }: Props) {
  const { tenant: slug, id } = await params;
  const ctx = await requireAdmin(slug);
  const query = await searchParams;
  const page = Math.max(1, Math.min(100_000, Number(query.page) || 1));
  let message: SentMessage;
  try {
    message = await sentMessage(ctx, id, page);
  } catch (error) {
    if (error instanceof UserError && error.code === "not_found") notFound();
    throw error;
  }
  const base = `/t/${ctx.tenant.slug}/admin/messages`;
  const n = message.notices;
  const toRenotify = n.bounced + n.blocked + n.failed + n.held;
  return (
    <AdminShell ctx={ctx} current={base}>
      <p className="text-sm">
        <Link className="text-brand-700 underline" href={base}>
          ← Sent messages
        </Link>
      </p>
      {query.posted && (
        <div className="mt-3">
          <Alert tone="info">
            Sent to {message.recipients.toLocaleString("en")} member
            {message.recipients === 1 ? "" : "s"}: it is in their boxes now.
          </Alert>
        </div>
      )}
      <h1 className="mt-2 break-words text-2xl font-semibold">{message.subject}</h1>
      <p className="mt-1 text-sm text-slate-600">
        {message.createdAt.toISOString().slice(0, 16).replace("T", " ")} UTC
        {message.author ? ` by ${message.author}` : ""} · {MODE[message.noticeMode]}
      </p>
      <dl className="mt-6 grid grid-cols-2 gap-3 sm:grid-cols-4" aria-label="This message">
        <Stat label="Recipients" value={message.recipients.toLocaleString("en")} />
        <Stat label="Read" value={message.read.toLocaleString("en")} />
        <Stat label="Notices delivered" value={n.delivered.toLocaleString("en")} />
        <Stat label="Notices not through" value={toRenotify.toLocaleString("en")} />
      </dl>
      <p className="mt-3 text-sm text-slate-700" data-testid="notice-summary">
        Notices: {noticeSummary(n, message.recipients)}
      </p>
      {message.noticeMode !== "never" && (
        <Card className="mt-4">
          <h2 className="font-medium">Re-notify</h2>
          <p className="mt-1 text-sm text-slate-700">
            Sends a new notice only to those who have not read the message and whose notice bounced,
            was blocked, failed or is held. Fix their addresses first; nobody else gets a second
            notice.
          </p>
          <ActionForm
            className="mt-3"
            action={renotifyMessage.bind(null, ctx.tenant.slug)}
            fields={{ messageId: message.id }}
            label="Re-notify"
            pendingLabel="Queueing…"
            variant="primary"
          />
        </Card>
      )}
      <Card className="mt-6">
        <h2 className="font-medium">Message</h2>
        <div className="mt-2 text-sm">
          <MessageBody body={message.body} />
        </div>
      </Card>
      <h2 className="mt-6 font-medium">Recipients</h2>
      <table className={`mt-2 ${stacked.table}`}>
        <thead className={stacked.head}>
          <tr>
            <th className="py-2 pr-3 font-medium">Login ID</th>
            <th className="py-2 pr-3 font-medium">Name</th>
            <th className="py-2 pr-3 font-medium">Read</th>
            <th className="py-2 pr-3 font-medium">Notice</th>
          </tr>
        </thead>
        <tbody className={stacked.body}>
          {message.recipientsPage.map((r) => (
            <tr key={r.memberId} className={stacked.row} data-testid={`recipient-${r.loginId}`}>
              <td className={`${stacked.cell} font-mono`} data-label="Login ID">
                <Link
                  className="text-brand-700 underline"
                  href={`/t/${ctx.tenant.slug}/admin/members/${r.memberId}`}
                >
                  {r.loginId}
                </Link>
              </td>
              <td className={`${stacked.cell} break-words`} data-label="Name">
                {r.name}
              </td>
              <td className={stacked.cell} data-label="Read">
                {r.readAt
                  ? `${r.readAt.toISOString().slice(0, 16).replace("T", " ")} UTC`
                  : "Not yet"}
              </td>
              <td className={stacked.cell} data-label="Notice">
                {r.noticeStatus ? (
                  <>
                    <Badge tone={TONE[r.noticeStatus] ?? "muted"}>
                      {r.noticeStatus === "cancelled" && r.noticeReason === "message_read"
                        ? "Cancelled: read first"
                        : STATUS_LABEL[r.noticeStatus]}
                    </Badge>
                    {r.notices > 1 && (
                      <span className="ml-1 text-xs text-slate-600">({r.notices} notices)</span>
                    )}
                    {(RENOTIFY_STATUSES as readonly string[]).includes(r.noticeStatus) &&
                      r.noticeReason && (
                        <span className="mt-0.5 block text-xs text-slate-600">
                          {reasonText(r.noticeReason)}
                        </span>
                      )}
                  </>
                ) : (
                  <span className="text-slate-600">None</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <Pager page={page} pages={message.pages} href={(p) => `${base}/${message.id}?page=${p}`} />
    </AdminShell>
  );
}
