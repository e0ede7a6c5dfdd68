import type { Metadata } from "next";
import Link from "next/link";
import { AdminShell } from "../admin-shell";
import { noticeSummary } from "@/components/messages/notice-counts";
import { Pager } from "@/components/messages/pager";
import { Badge } from "@/components/badge";
import { Card, stacked } from "@/components/ui";
import { listSent } from "@/lib/messages/sent";
import { requireAdmin } from "@/lib/web/guards";

export const metadata: Metadata = { title: "Messages" };

type Props = {
  params: Promise<{ tenant: string }>;
  searchParams: Promise<{ page?: string | string[] }>;
};

export default async function SentMessagesPage({ params, searchParams }: Props) {
  const ctx = await requireAdmin((await params).tenant);
  const page = Math.max(1, Math.min(100_000, Number((await searchParams).page) || 1));
  const { lines, pages, total } = await listSent(ctx, page);
  const base = `/t/${ctx.tenant.slug}/admin/messages`;
  return (
    <AdminShell ctx={ctx} current={base}>
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h1 className="text-2xl font-semibold">Messages</h1>
        <Link
          className="inline-flex min-h-10 items-center rounded-md bg-brand-600 px-4 text-sm font-medium text-white hover:bg-brand-700"
          href={`${base}/new?audience=all`}
        >
          Write a message
        </Link>
      </div>
      <p className="mt-1 text-slate-600">
        Messages your organisation sent: who read them and what their e-mail notices did.
      </p>
      {total === 0 ? (
        <Card className="mt-6">
          <p className="text-sm text-slate-700">
            No messages yet. A message lands in each member&apos;s box on Sendwell, and an e-mail
            notice tells them it is there.
          </p>
        </Card>
      ) : (
        <div className="mt-6">
          <table className={stacked.table}>
            <caption className="sr-only">Sent messages, page {page}</caption>
            <thead className={stacked.head}>
              <tr>
                <th className="py-2 pr-3 font-medium">Subject</th>
                <th className="py-2 pr-3 font-medium">Sent</th>
                <th className="py-2 pr-3 font-medium">Read</th>
                <th className="py-2 pr-3 font-medium">Notices</th>
              </tr>
            </thead>
            <tbody className={stacked.body}>
              {lines.map((m) => (
                <tr key={m.id} className={stacked.row}>
                  <td className={`${stacked.cell} break-words`} data-label="Subject">
                    <Link className="text-brand-700 underline" href={`${base}/${m.id}`}>
                      {m.subject}
                    </Link>{" "}
                    {m.kind === "announcement" && <Badge tone="info">Announcement</Badge>}
                  </td>
                  <td className={stacked.cell} data-label="Sent">
                    {m.createdAt.toISOString().slice(0, 16).replace("T", " ")} UTC
                    {m.author ? ` by ${m.author}` : ""}
                  </td>
                  <td className={`${stacked.cell} tabular-nums`} data-label="Read">
                    {m.read.toLocaleString("en")} of {m.recipients.toLocaleString("en")}
                  </td>
                  <td className={stacked.cell} data-label="Notices">
                    {noticeSummary(m.notices, m.recipients)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pager page={page} pages={pages} href={(p) => `${base}?page=${p}`} />
        </div>
      )}
    </AdminShell>
  );
}
