import Link from "next/link";
import type { ReactNode } from "react";
import type { JudgedRate } from "@/lib/health/judge";
import { percent, SES_LINES, TENANT_LINES } from "@/lib/health/judge";
import type { SendState } from "@/lib/health/state";
import type { SeriesPoint, TenantHealthView } from "@/lib/health/views";
import { reasonText, STATUS_LABEL } from "@/lib/mail/reasons";
import type { MailStatus } from "@/db/schema/mail";
import { Badge, type Tone } from "../badge";
import { Card, stacked } from "../ui";
import { MailChart } from "./charts";

export const STATE_TONE: Record<SendState["kind"], Tone> = {
  healthy: "ok",
  limited: "info",
  resuming: "info",
  paused: "stop",
};
export const STATE_WORD: Record<SendState["kind"], string> = {
  healthy: "Healthy",
  limited: "Limited",
  resuming: "Resuming",
  paused: "Paused",
};

const LEVEL: Record<JudgedRate["level"], { tone: Tone; word: string }> = {
  too_few: { tone: "muted", word: "Too few to judge" },
  ok: { tone: "ok", word: "Fine" },
  warn: { tone: "warn", word: "High" },
  stop: { tone: "stop", word: "Too high" },
};

const n = (v: number) => v.toLocaleString("en");
const when = (d: Date | null) =>
  d ? `${d.toISOString().slice(0, 16).replace("T", " ")} UTC` : null;
const byWhom = (by: string | null) =>
  !by || by === "system"
    ? "the breaker"
    : by.startsWith("operator:")
      ? `operator ${by.slice("operator:".length)}`
      : `admin ${by.slice(by.indexOf(":") + 1)}`;

export function StateSummary({ state, children }: { state: SendState; children?: ReactNode }) {
  return (
    <Card>
      <div className="flex flex-wrap items-center gap-2">
        <Badge tone={STATE_TONE[state.kind]}>{STATE_WORD[state.kind]}</Badge>
        <h2 className="text-lg font-semibold" data-testid="send-state">
          {state.title}
        </h2>
      </div>
      <p className="mt-2 text-sm text-slate-700">{state.detail}</p>
      {state.since && (
        <p className="mt-1 text-sm text-slate-600">
          Since {when(state.since)}
          {state.kind === "paused" && state.pausedBy !== "account" && state.pausedBy !== "ses"
            ? `, by ${byWhom(state.changedBy)}`
            : ""}
          .
        </p>
      )}
      <p className="mt-2 text-sm font-medium">{state.nextStep}</p>
      {children && <div className="mt-3">{children}</div>}
    </Card>
  );
}

function RateCell({ rate, label }: { rate: JudgedRate; label: string }) {
  const level = LEVEL[rate.level];
  return (
    <td className={stacked.cell} data-label={label}>
      <div className="flex flex-wrap items-center gap-2">
        <span className="tabular-nums">
          {rate.level === "too_few" ? "–" : percent(rate.rate, 2)}
        </span>
        <Badge tone={level.tone}>{level.word}</Badge>
      </div>
      <div className="text-xs text-slate-600">
        {n(rate.count)} of {n(rate.volume)}
      </div>
    </td>
  );
}

function RatesTable({ view }: { view: TenantHealthView }) {
  const rows: { label: string; bounce: JudgedRate; complaint: JudgedRate }[] = [
    { label: "Last 24 hours", ...view.rates.day },
    { label: "Last resolved bulk mails (up to 200)", ...view.rates.recent },
    { label: "Last 30 days", ...view.rates.month },
  ];
  return (
    <div>
      <table className={stacked.table}>
        <caption className="sr-only">Hard-bounce and complaint rates</caption>
        <thead className={stacked.head}>
          <tr>
            <th scope="col" className="py-2 pr-4 font-medium">
              Over
            </th>
            <th scope="col" className="py-2 pr-4 font-medium">
              Hard bounces
            </th>
            <th scope="col" className="py-2 pr-4 font-medium">
              Complaints
            </th>
          </tr>
        </thead>
        <tbody className={stacked.body}>
          {rows.map((r) => (
            <tr key={r.label} className={stacked.row}>
              <th
                scope="row"
                className="py-2 pr-4 align-top font-medium max-sm:block max-sm:py-0.5"
              >
                {r.label}
              </th>
              <RateCell rate={r.bounce} label="Hard bounces: " />
              <RateCell rate={r.complaint} label="Complaints: " />
            </tr>
          ))}
        </tbody>
      </table>
      <p className="mt-2 text-xs text-slate-600">
        Bulk mail pauses at {percent(TENANT_LINES.bounce.stop)} hard bounces (high from{" "}
        {percent(TENANT_LINES.bounce.warn)}) and high complaints from{" "}
        {percent(TENANT_LINES.complaint.warn, 2)}. A rate is judged once at least{" "}
        {TENANT_LINES.bounce.minVolume} mails count; below that it says &ldquo;too few to
        judge&rdquo;.
      </p>
    </div>
  );
}

function SeriesTable({ data, caption }: { data: SeriesPoint[]; caption: string }) {
  return (
    <details className="mt-2 text-sm">
      <summary className="cursor-pointer text-brand-700">Show the numbers</summary>
      <div className="mt-2 max-h-64 overflow-auto">
        <table className="w-full text-left text-xs tabular-nums">
          <caption className="sr-only">{caption}</caption>
          <thead className="text-slate-600">
            <tr>
              <th className="pr-3">When</th>
              <th className="pr-3">Sent</th>
              <th className="pr-3">Delivered</th>
              <th className="pr-3">Bounced</th>
              <th className="pr-3">Complained</th>
            </tr>
          </thead>
          <tbody>
            {data.map((d) => (
              <tr key={d.at}>
                <td className="pr-3">{d.at.replace("T", " ")}</td>
                <td className="pr-3">{d.sent}</td>
                <td className="pr-3">{d.delivered}</td>
                <td className="pr-3">{d.bounced}</td>
                <td className="pr-3">{d.complained}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}

/**
 * A tenant's send health, for its admins and for the operators: rates against their lines, its
 * share of the account's bounces, the charts, its mail by state (each a link), the addresses that
 * bounced. `mailHref` builds the link to the mail in one state; `bouncedActions` the fix per address.
 */
export function TenantHealth({
  view,
  mailHref,
  unsentHref,
  memberHref,
  bouncedAction,
}: {
  view: TenantHealthView;
  /** The page with the mail in one state; without it the counts are plain numbers. */
  mailHref?: (status: string, reason: string | null) => string;
  /** The unsent ledger for mail in this state (null for states that are not in it). */
  unsentHref?: (status: string, reason: string | null) => string | null;
  memberHref?: (id: string) => string;
  /** Rendered for every row with a member, fixed or not: it keeps its answer after the fix. */
  bouncedAction?: (address: TenantHealthView["bounced"][number], fixed: boolean) => ReactNode;
}) {
  const account = view.account.representative.bounce;
  const distance = account.rate === null ? null : SES_LINES.bounce.review - account.rate;
  return (
    <div className="mt-6 flex flex-col gap-6">
      <Card>
        <h2 className="text-lg font-semibold">Rates</h2>
        <div className="mt-2">
          <RatesTable view={view} />
        </div>
      </Card>

      <Card>
        <h2 className="text-lg font-semibold">What your list does to everyone</h2>
        <dl className="mt-2 grid gap-3 text-sm sm:grid-cols-2">
          <div>
            <dt className="text-slate-600">
              Your share of the platform&apos;s hard bounces, last 24 hours
            </dt>
            <dd className="text-xl font-semibold tabular-nums" data-testid="bounce-share">
              {percent(view.share.share)}
              <span className="ml-2 text-sm font-normal text-slate-600">
                ({n(view.share.bounces)} hard bounces)
              </span>
            </dd>
          </div>
          <div>
            <dt className="text-slate-600">
              The platform&apos;s hard-bounce rate
              {account.volume > 0
                ? `, last ${n(account.volume)} ${account.volume === 1 ? "send" : "sends"}`
                : " (no sends yet)"}
            </dt>
            <dd className="text-xl font-semibold tabular-nums">
              {account.level === "too_few" ? "Too few to judge" : percent(account.rate, 2)}
              {distance !== null && account.level !== "too_few" && (
                <span className="ml-2 text-sm font-normal text-slate-600">
                  {distance > 0
                    ? `${(distance * 100).toFixed(2)} points below SES's review line (${percent(SES_LINES.bounce.review)})`
                    : `at or above SES's review line (${percent(SES_LINES.bounce.review)})`}
                </span>
              )}
            </dd>
          </div>
        </dl>
        <p className="mt-2 text-xs text-slate-600">
          Every organisation sends through one SES account: SES reviews it at{" "}
          {percent(SES_LINES.bounce.review)} hard bounces and may pause it for everyone at{" "}
          {percent(SES_LINES.bounce.pause)}.
        </p>
      </Card>

      <Card>
        <h2 className="text-lg font-semibold">Last 30 days</h2>
        <MailChart data={view.daily} unit="day" label="Mail per day over the last 30 days" />
        <SeriesTable data={view.daily} caption="Mail per day over the last 30 days" />
        <h2 className="mt-6 text-lg font-semibold">Last 24 hours</h2>
        <MailChart data={view.hourly} unit="hour" label="Mail per hour over the last 24 hours" />
        <SeriesTable data={view.hourly} caption="Mail per hour over the last 24 hours" />
      </Card>

      <Card>
        <h2 className="text-lg font-semibold">Mail not sent yet, or not arrived</h2>
        {view.byState.length === 0 ? (
          <p className="mt-2 text-sm text-slate-600">Nothing waiting, blocked or failed.</p>
        ) : (
          <table className="mt-2 w-full text-left text-sm" data-testid="mail-by-state">
            <thead className="text-slate-600">
              <tr>
                <th className="py-1 pr-3 font-medium">State</th>
                <th className="py-1 pr-3 font-medium">Why</th>
                <th className="py-1 pr-3 text-right font-medium">Mails</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {view.byState.map((s) => (
                <tr key={`${s.status} ${s.reason}`}>
                  <td className="py-1 pr-3">
                    <Badge
                      tone={
                        s.status === "queued" || s.status === "sending"
                          ? "info"
                          : s.status === "held"
                            ? "warn"
                            : "stop"
                      }
                    >
                      {STATUS_LABEL[s.status as MailStatus] ?? s.status}
                    </Badge>
                  </td>
                  <td className="py-1 pr-3">{reasonText(s.reason) ?? "—"}</td>
                  <td className="py-1 pr-3 text-right tabular-nums">
                    {mailHref ? (
                      <Link
                        className="text-brand-700 underline"
                        href={mailHref(s.status, s.reason)}
                      >
                        {n(s.n)}
                      </Link>
                    ) : (
                      n(s.n)
                    )}
                    {unsentHref?.(s.status, s.reason) && (
                      <Link
                        className="ml-2 text-xs text-brand-700 underline"
                        href={unsentHref(s.status, s.reason)!}
                      >
                        who and what to do
                      </Link>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>

      <Card>
        <h2 className="text-lg font-semibold">Addresses that bounced, last 7 days</h2>
        {view.bounced.length === 0 ? (
          <p className="mt-2 text-sm text-slate-600">No hard bounces in the last 7 days.</p>
        ) : (
          <div className="mt-2">
            <table className={stacked.table} data-testid="bounced-addresses">
              <thead className={stacked.head}>
                <tr>
                  <th className="py-1 pr-3 font-medium">Member</th>
                  <th className="py-1 pr-3 font-medium">Bounced address</th>
                  <th className="py-1 pr-3 font-medium">When</th>
                  <th className="py-1 pr-3 font-medium">What the server said</th>
                  <th className="py-1 pr-3 font-medium">Now</th>
                </tr>
              </thead>
              <tbody className={stacked.body}>
                {view.bounced.map((b) => {
                  const fixed = (b.currentEmail ?? "").toLowerCase() !== b.address.toLowerCase();
                  return (
                    <tr key={b.mailId} className={stacked.row}>
                      <td
                        className={`${stacked.cell} font-mono whitespace-nowrap`}
                        data-label="Member: "
                      >
                        {b.memberId && b.loginId && memberHref ? (
                          <Link className="text-brand-700 underline" href={memberHref(b.memberId)}>
                            {b.loginId}
                          </Link>
                        ) : (
                          (b.loginId ?? "deleted")
                        )}
                      </td>
                      <td className={`${stacked.cell} break-all`} data-label="Bounced: ">
                        {b.address}
                      </td>
                      <td className={`${stacked.cell} whitespace-nowrap`} data-label="When: ">
                        {b.bouncedAt}
                      </td>
                      <td
                        className={`${stacked.cell} text-xs break-words text-slate-600`}
                        data-label="Server: "
                      >
                        {b.diagnostic ?? "—"}
                      </td>
                      <td className={stacked.cell} data-label="Now: ">
                        {!b.memberId ? (
                          <Badge tone="muted">Member deleted</Badge>
                        ) : (
                          <>
                            {fixed ? (
                              <Badge tone="ok" wrap>
                                {b.currentEmail ? `Now ${b.currentEmail}` : "Address removed"}
                              </Badge>
                            ) : (
                              !bouncedAction && <Badge tone="stop">Not fixed</Badge>
                            )}
                            {bouncedAction?.(b, fixed)}
                          </>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </Card>
    </div>
  );
}
