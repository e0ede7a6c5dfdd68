import type { Metadata } from "next";
import Link from "next/link";
import { ActionForm } from "@/components/action-form";
import { Badge } from "@/components/badge";
import { ConfirmAction } from "@/components/confirm-action";
import { Card } from "@/components/ui";
import { REASON_WORD } from "@/lib/suppressions/export";
import { tenantSuppressions } from "@/lib/suppressions/manage";
import { reasonText } from "@/lib/mail/reasons";
import { requireAdmin } from "@/lib/web/guards";
import { AdminShell } from "../admin-shell";
import { addSuppressionByHand, liftSuppressionOfTenant } from "./actions";
import { cleanParams, CONTROL_QUERY_MESSAGE } from "@/lib/input/control";

export const metadata: Metadata = { title: "Suppressions" };

type Props = {
  params: Promise<{ tenant: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
};

export default async function SuppressionsPage({ params, searchParams }: Props) {
  const { actor, tenant } = await requireAdmin((await params).tenant);
  const { params: query, dirty } = cleanParams(await searchParams);
  const q = typeof query.q === "string" ? query.q.slice(0, 254) : "";
  const list = await tenantSuppressions(tenant.id, { q, page: Number(query.page) || 1 });
  const base = `/t/${tenant.slug}/admin/suppressions`;

  const href = (p: number) =>
    `${base}?${new URLSearchParams({ ...(q ? { q } : {}), ...(p > 1 ? { page: String(p) } : {}) })}`;
  return (
    <AdminShell ctx={{ actor, tenant }} current={base}>
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h1 className="text-2xl font-semibold">Suppressions</h1>
        <a className="text-sm text-brand-700 underline" href={`${base}/export`} download>
          Download as .xlsx
        </a>
      </div>
      <p className="mt-1 max-w-prose text-slate-600">
        Addresses no mail goes to: they bounced for good, their owner marked mail as spam, or you
        added them. A hard bounce can be lifted once the address was corrected; a complaint only by
        the platform&apos;s operators.
      </p>
      <Card className="mt-6 max-w-2xl">
        <h2 className="font-medium">Add an address</h2>
        <ActionForm
          action={addSuppressionByHand.bind(null, tenant.slug)}
          fields={{}}
          label="Suppress"
          pendingLabel="Adding…"
          className="mt-2 flex flex-wrap items-end gap-2"
        >
          <label className="flex flex-col gap-1 text-sm">
            <span className="font-medium text-slate-700">Address</span>
            <input
              name="address"
              type="email"
              required
              className="min-h-10 w-64 rounded-md border border-slate-300 px-3"
            />
          </label>
          <label className="flex flex-col gap-1 text-sm">
            <span className="font-medium text-slate-700">Note (optional)</span>
            <input name="note" className="min-h-10 w-64 rounded-md border border-slate-300 px-3" />
          </label>
        </ActionForm>
      </Card>
      <form method="get" role="search" className="mt-6 flex flex-wrap items-end gap-2">
        <label className="flex flex-col gap-1 text-sm">
          <span className="font-medium text-slate-700">Search</span>
          <input
            name="q"
            type="search"
            defaultValue={q}
            placeholder="Address"
            className="min-h-10 w-64 rounded-md border border-slate-300 px-3"
          />
        </label>
        <button
          type="submit"
          className="min-h-10 rounded-md bg-brand-600 px-4 text-sm font-medium text-white"
        >
          Search
        </button>
        {q && (
          <Link className="min-h-10 content-center text-sm text-brand-700 underline" href={base}>
            Clear
          </Link>
        )}
      </form>
      {dirty.length > 0 && <p className="mt-2 text-sm text-slate-600">{CONTROL_QUERY_MESSAGE}</p>}
      {list.lines.length === 0 ? (
        <p className="mt-6 text-sm text-slate-600">
          {q ? "No suppressed address matches." : "No address is suppressed for your organisation."}
        </p>
      ) : (
        <div className="mt-4 overflow-x-auto">
          <table className="w-full min-w-[44rem] text-left text-sm" data-testid="suppressions">
            <caption className="sr-only">Suppressed addresses</caption>
            <thead className="text-slate-600">
              <tr>
                <th className="py-1 pr-3 font-medium">Address</th>
                <th className="py-1 pr-3 font-medium">Why</th>
                <th className="py-1 pr-3 font-medium">Since (UTC)</th>
                <th className="py-1 pr-3 font-medium">Members</th>
                <th className="py-1 pr-3 font-medium">What to do</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 align-top">
              {list.lines.map((l) => (
                <tr key={`${l.scope} ${l.address}`}>
                  <td className="py-2 pr-3 break-all">
                    {l.address}
                    {l.scope === "account" && (
                      <div className="mt-1">
                        <Badge tone="muted">Whole platform</Badge>
                      </div>
                    )}
                  </td>
                  <td className="py-2 pr-3">
                    <Badge
                      tone={
                        l.reason === "complaint" ? "stop" : l.reason === "bounce" ? "warn" : "muted"
                      }
                    >
                      {REASON_WORD[l.reason]}
                    </Badge>
                    {l.bounceSubType && (
                      <div className="mt-1 text-xs text-slate-600">
                        {reasonText(`bounce:${l.bounceSubType}`)}
                      </div>
                    )}
                    {l.diagnostic && (
                      <div className="mt-1 text-xs break-words text-slate-600">{l.diagnostic}</div>
                    )}
                    {l.note && <div className="mt-1 text-xs text-slate-600">{l.note}</div>}
                  </td>
                  <td className="py-2 pr-3 whitespace-nowrap">{l.createdAt}</td>
                  <td className="py-2 pr-3 font-mono">
                    {l.members.length === 0
                      ? "—"
                      : l.members.map((m) => (
                          <Link
                            key={m.id}
                            className="mr-2 text-brand-700 underline"
                            href={`/t/${tenant.slug}/admin/members/${m.id}`}
                          >
                            {m.loginId}
                          </Link>
                        ))}
                  </td>
                  <td className="py-2 pr-3">
                    {l.liftable ? (
                      <ConfirmAction
                        action={liftSuppressionOfTenant.bind(null, tenant.slug)}
                        fields={{ address: l.address }}
                        label="Lift"
                        variant="secondary"
                        title={`Lift the suppression of ${l.address}?`}
                        description={
                          l.members.length > 0 ? (
                            <p>
                              {l.members.map((m) => m.loginId).join(", ")} still{" "}
                              {l.members.length === 1 ? "has" : "have"} this address. If it bounced,
                              it will bounce again: correct the member&apos;s address instead,
                              unless you know the mailbox exists now.
                            </p>
                          ) : (
                            <p>
                              Mail to it can go again. If the mailbox still does not exist, it will
                              bounce and count against your organisation.
                            </p>
                          )
                        }
                        confirmLabel="Lift the suppression"
                      >
                        {l.members.length > 0 && (
                          <label className="flex items-start gap-2 text-sm">
                            <input type="checkbox" name="confirmedExists" className="mt-1 size-4" />
                            <span>I have checked that the mailbox exists now.</span>
                          </label>
                        )}
                      </ConfirmAction>
                    ) : l.reason === "complaint" ? (
                      <span className="text-xs text-slate-600">
                        Only the platform&apos;s operators can lift a complaint.
                      </span>
                    ) : (
                      <span className="text-xs text-slate-600">
                        Suppressed by another organisation&apos;s mail: ask the platform&apos;s
                        operators.
                      </span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {list.pages > 1 && (
        <nav aria-label="Pages" className="mt-4 flex items-center gap-3 text-sm">
          {list.page > 1 && (
            <Link className="text-brand-700 underline" href={href(list.page - 1)}>
              ← Previous
            </Link>
          )}
          <span>
            Page {list.page} of {list.pages} ({list.total} addresses)
          </span>
          {list.page < list.pages && (
            <Link className="text-brand-700 underline" href={href(list.page + 1)}>
              Next →
            </Link>
          )}
        </nav>
      )}
    </AdminShell>
  );
}
