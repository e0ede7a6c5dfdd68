import type { Metadata } from "next";
import Link from "next/link";
import { Card } from "@/components/ui";
import { LedgerCase, type CaseRemedies } from "@/components/unsent/ledger-case";
import { LedgerFilter } from "@/components/unsent/ledger-filter";
import type { UnsentCase } from "@/lib/unsent/cases";
import { ledgerPage, ledgerQuery, PAGE_ROWS, searchOf } from "@/lib/unsent/view";
import { requireAdmin } from "@/lib/web/guards";
import { AdminShell } from "../admin-shell";
import {
  announceRestoredFromLedger,
  fixUnsentAddress,
  issueUnsentBypassCodes,
  issueUnsentActivationCodes,
  markUnsentHandled,
  renotifyUnsent,
  resendUnsentInvitations,
  sendUnsentResetLinks,
  setUnsentTemporaryPasswords,
} from "./actions";

export const metadata: Metadata = { title: "Unsent mail" };

type Props = {
  params: Promise<{ tenant: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
};

export default async function UnsentPage({ params, searchParams }: Props) {
  const { actor, tenant } = await requireAdmin((await params).tenant);
  const base = `/t/${tenant.slug}/admin`;
  const query = await ledgerQuery(await searchParams);
  const page = await ledgerPage(tenant.id, query);
  const slug = tenant.slug;
  const remedies = (c: UnsentCase): CaseRemedies => ({
    markHandled: markUnsentHandled.bind(null, slug),
    ...(c === "invitation_new"
      ? {
          resendInvitations: resendUnsentInvitations.bind(null, slug),
          fixAddress: fixUnsentAddress.bind(null, slug),
          activationCodes: issueUnsentActivationCodes.bind(null, slug),
        }
      : {}),
    ...(c === "message_notice" ? { renotify: renotifyUnsent.bind(null, slug) } : {}),
    ...(c === "login_code"
      ? {
          announce: announceRestoredFromLedger.bind(null, slug),
          bypassCodes: issueUnsentBypassCodes.bind(null, slug),
        }
      : {}),
    ...(c === "password_reset"
      ? {
          resetLinks: sendUnsentResetLinks.bind(null, slug),
          temporaryPasswords: setUnsentTemporaryPasswords.bind(null, slug),
        }
      : {}),
  });
  const open = page.counts.total.open;
  return (
    <AdminShell ctx={{ actor, tenant }} current={`${base}/unsent`}>
      <h1 className="text-2xl font-semibold">Unsent mail</h1>
      <p className="mt-1 max-w-prose text-slate-600">
        Mail that did not reach your members {query.period.label}, grouped by what it means for
        them, with what to do. A member reached since (a later mail delivered, the reset used, the
        message read) is shown as resolved.
      </p>

      <LedgerFilter
        query={query}
        reasons={page.reasons}
        download={{ href: `${base}/unsent/export${searchOf(query)}`, label: "Download (.xlsx)" }}
      />

      <dl
        className="mt-6 grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-5"
        aria-label="Members per case"
        data-testid="unsent-counts"
      >
        {page.cases.map((c) => (
          <div key={c.unsentCase} className="rounded-lg border border-slate-200 bg-white p-4">
            <dt className="text-sm text-slate-600">
              <a className="underline" href={`#${c.unsentCase}`}>
                {c.title}
              </a>
            </dt>
            <dd
              className="mt-1 text-2xl font-semibold tabular-nums"
              data-testid={`count-${c.unsentCase}`}
            >
              {page.counts[c.unsentCase].open.toLocaleString("en")}
            </dd>
            <dd className="text-xs text-slate-600">
              {page.counts[c.unsentCase].resolved.toLocaleString("en")} resolved
            </dd>
          </div>
        ))}
      </dl>
      {open === 0 && (
        <p className="mt-4 text-sm text-slate-700" data-testid="unsent-empty">
          Nothing to do {query.period.label}: every member was reached, or it was handled.
        </p>
      )}

      <div className="mt-6 flex flex-col gap-6">
        {page.cases.map((c) => (
          <Card key={c.unsentCase}>
            <section id={c.unsentCase} aria-labelledby={`${c.unsentCase}-title`}>
              <h2 id={`${c.unsentCase}-title`} className="text-lg font-semibold">
                {c.title}{" "}
                <span className="text-base font-normal text-slate-600">
                  ({c.total.toLocaleString("en")})
                </span>
              </h2>
              <p className="mt-1 text-sm text-slate-700">{c.meaning}</p>
              <p className="text-sm text-slate-700">
                <strong>What to do:</strong> {c.remedy}
              </p>
              <div className="mt-3">
                <LedgerCase
                  unsentCase={c.unsentCase}
                  lines={c.lines}
                  remedies={remedies(c.unsentCase)}
                  memberHref={`${base}/members`}
                />
              </div>
              {c.total > PAGE_ROWS && (
                <p className="mt-2 text-sm text-slate-600">
                  Showing the first {PAGE_ROWS} of {c.total.toLocaleString("en")}; the download has
                  them all.
                </p>
              )}
            </section>
          </Card>
        ))}
      </div>
      <p className="mt-6 text-xs text-slate-600">
        Times are in {page.timeZone}. See also{" "}
        <Link className="underline" href={`${base}/health`}>
          Send health
        </Link>
        .
      </p>
    </AdminShell>
  );
}
