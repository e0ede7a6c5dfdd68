import type { Metadata } from "next";
import { ConfirmAction } from "@/components/confirm-action";
import { Card, stacked } from "@/components/ui";
import { LedgerFilter } from "@/components/unsent/ledger-filter";
import { CASE_TEXT, UNSENT_CASES } from "@/lib/unsent/cases";
import { noticesSent, tenantsLedger } from "@/lib/unsent/operators";
import { utcStamp } from "@/lib/unsent/period";
import { ledgerQuery, searchOf } from "@/lib/unsent/view";
import { requireOperator } from "@/lib/web/guards";
import { OperatorShell } from "../operator-shell";
import { noticeAdminsOfUnsent } from "./actions";

export const metadata: Metadata = { title: "Unsent mail" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

const n = (v: number) => v.toLocaleString("en");

export default async function OperatorUnsentPage({ searchParams }: Props) {
  const actor = await requireOperator();
  const query = await ledgerQuery(await searchParams);
  const [{ tenants, total }, told] = await Promise.all([tenantsLedger(query), noticesSent(query)]);
  const search = searchOf(query);
  return (
    <OperatorShell actor={actor} current="/ops/unsent">
      <h1 className="text-2xl font-semibold">Unsent mail, every organisation</h1>
      <p className="mt-1 max-w-prose text-slate-600">
        Members who did not get their mail {query.period.label}, per organisation and case. Each
        organisation&apos;s admins see their own list, with what to do, under Unsent mail.
      </p>
      <LedgerFilter
        query={query}
        download={{
          href: `/ops/unsent/export${search}`,
          label: "Download every organisation (.xlsx)",
        }}
      />
      <p className="mt-4 text-sm text-slate-700" data-testid="ops-unsent-total">
        {n(total.total.open)} members still to reach, {n(total.total.resolved)} resolved.
      </p>
      <div className="mt-3">
        <ConfirmAction
          available={tenants.some((t) => t.counts.total.open > 0)}
          action={noticeAdminsOfUnsent}
          fields={{ period: query.period.choice }}
          label="Tell each organisation's admins"
          title="Tell each organisation's admins?"
          description={
            <p>
              The admins of every organisation with members still to reach find a message in their
              message box: how many missed mail {query.period.label}, per case, with a link to their
              list. In the app only, not by e-mail.
            </p>
          }
          confirmLabel="Tell them"
        />
        {told && (
          <p className="mt-2 text-sm text-slate-600" data-testid="ops-unsent-told">
            Already told for this period: the admins of {n(told.tenantIds.size)} organisation
            {told.tenantIds.size === 1 ? "" : "s"}, last on {utcStamp(told.last)}. Telling them
            again reaches only organisations not told yet.
          </p>
        )}
      </div>
      <Card className="mt-4">
        <table className={stacked.table} data-testid="ops-unsent">
          <thead className={stacked.head}>
            <tr>
              <th className="py-1 pr-3 font-medium">Organisation</th>
              {UNSENT_CASES.map((c) => (
                <th key={c} className="py-1 pr-3 text-right font-medium">
                  {CASE_TEXT[c].short}
                </th>
              ))}
              <th className="py-1 pr-3 font-medium">List</th>
            </tr>
          </thead>
          <tbody className={stacked.body}>
            {tenants.map((t) => (
              <tr key={t.id} className={stacked.row} data-testid={`ops-unsent-${t.slug}`}>
                <td className={stacked.cell} data-label="Organisation: ">
                  <span className="font-medium">{t.name}</span>{" "}
                  <span className="font-mono text-xs text-slate-600">{t.slug}</span>
                </td>
                {UNSENT_CASES.map((c) => (
                  <td
                    key={c}
                    className={`${stacked.cell} tabular-nums sm:text-right`}
                    data-label={`${CASE_TEXT[c].short}: `}
                  >
                    {n(t.counts[c].open)}
                  </td>
                ))}
                <td className={stacked.cell}>
                  <a
                    className="text-brand-700 underline"
                    href={`/ops/unsent/export${search}&tenant=${encodeURIComponent(t.slug)}`}
                    download
                  >
                    Download
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
    </OperatorShell>
  );
}
