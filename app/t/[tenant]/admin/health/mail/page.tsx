import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Badge } from "@/components/badge";
import { mailStatuses, type MailStatus } from "@/db/schema/mail";
import { mailInState } from "@/lib/mail/history";
import { reasonText, STATUS_LABEL } from "@/lib/mail/reasons";
import { requireAdmin } from "@/lib/web/guards";
import { AdminShell } from "../../admin-shell";
import { cleanParams } from "@/lib/input/control";

export const metadata: Metadata = { title: "Mail by state" };

type Props = {
  params: Promise<{ tenant: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
};

export default async function MailInStatePage({ params, searchParams }: Props) {
  const { actor, tenant } = await requireAdmin((await params).tenant);
  const query = cleanParams(await searchParams).params;
  const status = typeof query.status === "string" ? query.status : "";
  if (!(mailStatuses as readonly string[]).includes(status)) notFound();
  const reason =
    typeof query.reason === "string" && query.reason.length <= 64 ? query.reason : null;
  const page = Number(query.page) || 1;
  const base = `/t/${tenant.slug}/admin`;
  const result = await mailInState(tenant.id, { status: status as MailStatus, reason }, page);
  const href = (p: number) =>
    `${base}/health/mail?status=${status}${reason ? `&reason=${encodeURIComponent(reason)}` : ""}${p > 1 ? `&page=${p}` : ""}`;
  return (
    <AdminShell ctx={{ actor, tenant }} current={`${base}/health`}>
      <p className="text-sm">
        <Link className="text-brand-700 underline" href={`${base}/health`}>
          ← Send health
        </Link>
      </p>
      <h1 className="mt-2 text-2xl font-semibold">
        {STATUS_LABEL[status as MailStatus]}: {result.total.toLocaleString("en")} mail
        {result.total === 1 ? "" : "s"}
      </h1>
      {reason && reason !== "none" && <p className="mt-1 text-slate-600">{reasonText(reason)}</p>}
      {result.lines.length === 0 ? (
        <p className="mt-6 text-sm text-slate-600">No mail in this state now.</p>
      ) : (
        <div className="mt-4 overflow-x-auto">
          <table className="w-full min-w-[40rem] text-left text-sm">
            <thead className="text-slate-600">
              <tr>
                <th className="py-1 pr-3 font-medium">Member</th>
                <th className="py-1 pr-3 font-medium">Mail</th>
                <th className="py-1 pr-3 font-medium">Address</th>
                <th className="py-1 pr-3 font-medium">State</th>
                <th className="py-1 pr-3 font-medium">Tries at SES</th>
                <th className="py-1 pr-3 font-medium">Queued</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 align-top">
              {result.lines.map((m) => (
                <tr key={m.id}>
                  <td className="py-2 pr-3 font-mono">
                    {m.member ? (
                      <Link
                        className="text-brand-700 underline"
                        href={`${base}/members/${m.member.id}`}
                      >
                        {m.member.loginId}
                      </Link>
                    ) : (
                      "—"
                    )}
                  </td>
                  <td className="py-2 pr-3">{m.category.replace("_", " ")}</td>
                  <td className="py-2 pr-3 break-all">{m.address ?? "none"}</td>
                  <td className="py-2 pr-3">
                    <Badge tone="warn">{m.statusText}</Badge>
                    {m.reasonText && (
                      <div className="mt-1 text-xs text-slate-600">{m.reasonText}</div>
                    )}
                  </td>
                  <td className="py-2 pr-3 tabular-nums">{m.attempts}</td>
                  <td className="py-2 pr-3 whitespace-nowrap">{m.queuedAt}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {result.pages > 1 && (
        <nav aria-label="Pages" className="mt-4 flex items-center gap-3 text-sm">
          {result.page > 1 && (
            <Link className="text-brand-700 underline" href={href(result.page - 1)}>
              ← Previous
            </Link>
          )}
          <span>
            Page {result.page} of {result.pages}
          </span>
          {result.page < result.pages && (
            <Link className="text-brand-700 underline" href={href(result.page + 1)}>
              Next →
            </Link>
          )}
        </nav>
      )}
    </AdminShell>
  );
}
