import type { Metadata } from "next";
import Link from "next/link";
import { Badge, type Tone } from "@/components/badge";
import { ConfirmAction } from "@/components/confirm-action";
import { RateChart } from "@/components/health/charts";
import { FeedbackApplierCard } from "@/components/health/feedback-applier";
import { Alert, Card, stacked } from "@/components/ui";
import { applierBacklog, applierVerdict, parkedEvents } from "@/lib/feedback/applier";
import { unsubscribedTopics } from "@/lib/feedback/status";
import { accountView } from "@/lib/health/account-view";
import { ACCOUNT_LINES, percent, SES_LINES, type JudgedRate } from "@/lib/health/judge";
import {
  accountRateSeries,
  feedbackHealth,
  tenantTable,
  type TenantRow,
} from "@/lib/health/operator";
import { requireOperator } from "@/lib/web/guards";
import { OperatorShell } from "./operator-shell";
import { resumeBulk, retryParkedFeedback, stopBulk } from "./actions";

export const metadata: Metadata = { title: "Sending" };

const SORTS = {
  share: (a: TenantRow, b: TenantRow) => b.share - a.share,
  rate: (a: TenantRow, b: TenantRow) => (b.bounce.rate ?? -1) - (a.bounce.rate ?? -1),
  volume: (a: TenantRow, b: TenantRow) => b.sends - a.sends,
  state: (a: TenantRow, b: TenantRow) => stateRank(b) - stateRank(a),
  name: (a: TenantRow, b: TenantRow) => a.name.localeCompare(b.name),
} as const;
type Sort = keyof typeof SORTS;
const stateRank = (t: TenantRow) => (t.breaker === "open" ? 2 : t.breaker === "half_open" ? 1 : 0);

const LEVEL: Record<JudgedRate["level"], [Tone, string]> = {
  too_few: ["muted", "Too few to judge"],
  ok: ["ok", "Fine"],
  warn: ["warn", "High"],
  stop: ["stop", "Too high"],
};
const GUARD: Record<string, [Tone, string]> = {
  ok: ["ok", "Sending normally"],
  warn: ["warn", "Warning"],
  stop_bulk_above: ["stop", "Bulk stopped for tenants above the account's rate"],
  stop_all_bulk: ["stop", "All bulk mail stopped"],
};
// SES's GetAccount EnforcementStatus: HEALTHY, PROBATION (under review) or SHUTDOWN (paused).
const ENFORCEMENT: Record<string, [Tone, string]> = {
  HEALTHY: ["ok", "Healthy"],
  PROBATION: ["warn", "Under review by SES"],
  SHUTDOWN: ["stop", "Shut down by SES"],
};
const when = (d: Date | null) =>
  d ? `${d.toISOString().slice(0, 16).replace("T", " ")} UTC` : "never";
const n = (v: number | null) => (v === null ? "–" : v.toLocaleString("en"));

function Rate({ rate, label }: { rate: JudgedRate; label: string }) {
  const [tone, word] = LEVEL[rate.level];
  return (
    <div>
      <dt className="text-sm text-slate-600">{label}</dt>
      <dd className="mt-1 flex flex-wrap items-center gap-2">
        <span className="text-xl font-semibold tabular-nums">
          {rate.level === "too_few" ? "–" : percent(rate.rate, 2)}
        </span>
        <Badge tone={tone}>{word}</Badge>
        <span className="text-xs text-slate-600">
          {n(rate.count)} of {n(rate.volume)}
        </span>
      </dd>
    </div>
  );
}

export default async function OperatorSendingPage({
  searchParams,
}: {
  searchParams: Promise<{ sort?: string }>;
}) {
  const actor = await requireOperator();
  const sortParam = (await searchParams).sort;
  const sort: Sort = sortParam && sortParam in SORTS ? (sortParam as Sort) : "share";
  const [account, series, tenants, feedback, unsubscribed, backlog, parked] = await Promise.all([
    accountView(),
    accountRateSeries(72),
    tenantTable(),
    feedbackHealth(),
    unsubscribedTopics(),
    applierBacklog(),
    parkedEvents(20),
  ]);
  tenants.sort(SORTS[sort]);
  const [guardTone, guardWord] = GUARD[account.guard.level] ?? ["muted", account.guard.level];
  return (
    <OperatorShell actor={actor} current="/ops">
      {unsubscribed.map((w) => (
        <div key={w.topicArn} className="mb-4">
          <Alert>
            SES feedback stopped: the SNS topic <code>{w.topicArn}</code> was unsubscribed on{" "}
            {w.at.toISOString().slice(0, 16).replace("T", " ")} UTC. Bounces and complaints are not
            arriving; subscribe the webhook to the topic again.
          </Alert>
        </div>
      ))}
      {feedback.silent && (
        <div className="mb-4" data-testid="feedback-silent">
          <Alert>
            {feedback.sentLastHour.toLocaleString("en")} mails went out in the last hour but no SES
            event arrived (last one: {when(feedback.lastEventAt)}). SES is not publishing events to
            SNS, or the subscription broke: check the configuration sets&apos; event destinations.
            Until it is fixed, unconfirmed mail times out after 30 minutes and its bounces stay
            unseen.
          </Alert>
        </div>
      )}
      <h1 className="text-2xl font-semibold">Sending</h1>
      <p className="mt-1 text-slate-600">
        The SES account every tenant shares, its rates against SES&apos;s lines, and who drives
        them.
      </p>

      <div className="mt-6 grid gap-4 lg:grid-cols-2">
        <Card>
          <h2 className="text-lg font-semibold">SES account</h2>
          <dl className="mt-2 grid grid-cols-2 gap-3 text-sm">
            <div>
              <dt className="text-slate-600">Sending</dt>
              <dd>
                {account.ses.sendingEnabled === null ? (
                  <Badge tone="muted">Not checked yet</Badge>
                ) : account.ses.sendingEnabled && !account.ses.paused ? (
                  <Badge tone="ok">Enabled</Badge>
                ) : (
                  <Badge tone="stop">Paused by SES</Badge>
                )}
              </dd>
            </div>
            <div>
              <dt className="text-slate-600">Enforcement status</dt>
              <dd>
                {!account.ses.enforcementStatus ? (
                  "–"
                ) : (
                  <Badge tone={ENFORCEMENT[account.ses.enforcementStatus]?.[0] ?? "muted"}>
                    {ENFORCEMENT[account.ses.enforcementStatus]?.[1] ?? "Not known"}
                  </Badge>
                )}
              </dd>
            </div>
            <div>
              <dt className="text-slate-600">Max send rate</dt>
              <dd className="tabular-nums">{n(account.ses.maxSendRate)} per second</dd>
            </div>
            <div>
              <dt className="text-slate-600">24-hour quota</dt>
              <dd className="tabular-nums">
                {n(account.ses.sentLast24Hours)} of {n(account.ses.max24HourSend)}
              </dd>
            </div>
            <div className="col-span-2">
              <dt className="text-slate-600">Last checked</dt>
              <dd>
                {when(account.ses.checkedAt)}
                {account.ses.checkError && (
                  <span className="block text-red-700">{account.ses.checkError}</span>
                )}
              </dd>
            </div>
          </dl>
        </Card>
        <Card>
          <h2 className="text-lg font-semibold">Account guard</h2>
          <p className="mt-2 flex flex-wrap items-center gap-2 text-sm">
            <Badge tone={guardTone}>{guardWord}</Badge>
            {account.guard.reason && <span>{account.guard.reason}</span>}
          </p>
          <dl className="mt-3 grid gap-3 sm:grid-cols-2">
            <Rate
              rate={account.rates.representative.bounce}
              label="Hard bounces, last 10,000 sends"
            />
            <Rate
              rate={account.rates.representative.complaint}
              label="Complaints, last 10,000 sends"
            />
            <Rate rate={account.rates.day.bounce} label="Hard bounces, last 24 hours" />
            <Rate rate={account.rates.day.complaint} label="Complaints, last 24 hours" />
          </dl>
          <div className="mt-4 border-t border-slate-100 pt-3">
            {account.bulkStop ? (
              <>
                <p className="text-sm" data-testid="bulk-stopped">
                  <Badge tone="stop">All bulk mail stopped</Badge> since {when(account.bulkStop.at)}{" "}
                  by {account.bulkStop.by?.replace("operator:", "")}: {account.bulkStop.reason}
                </p>
                <div className="mt-2">
                  <ConfirmAction
                    action={resumeBulk}
                    label="Resume bulk mail"
                    title="Resume bulk mail for every tenant?"
                    description={
                      <p>The mail the stop held is due at once; the guard paces it as usual.</p>
                    }
                    confirmLabel="Resume bulk mail"
                  />
                </div>
              </>
            ) : (
              <ConfirmAction
                action={stopBulk}
                label="Stop all bulk mail"
                variant="secondary"
                destructive
                title="Stop all bulk mail for the whole account?"
                description={
                  <p>
                    Invitations, message notices and announcements of every tenant wait until you
                    resume. Password resets, login codes and alerts still go. Every tenant&apos;s
                    admins see your reason.
                  </p>
                }
                confirmLabel="Stop all bulk mail"
              >
                <label className="flex flex-col gap-1 text-sm">
                  <span className="font-medium">Why</span>
                  <textarea
                    name="reason"
                    required
                    rows={2}
                    className="rounded-md border border-slate-300 px-3 py-2"
                  />
                </label>
              </ConfirmAction>
            )}
          </div>
        </Card>
      </div>

      <Card className="mt-4">
        <h2 className="text-lg font-semibold">Hard-bounce rate by hour, last 3 days</h2>
        <RateChart
          data={series.map((p) => ({ at: p.at, rate: p.bounceRate }))}
          lines={[
            { value: ACCOUNT_LINES.bounce.warn, label: "Guard: warn", tone: "guard" },
            { value: ACCOUNT_LINES.bounce.stop, label: "Guard: stop", tone: "guard" },
            { value: SES_LINES.bounce.review, label: "SES review", tone: "ses" },
            { value: SES_LINES.bounce.pause, label: "SES pause", tone: "ses" },
          ]}
          label="The account's hard-bounce rate by hour over the last three days"
        />
        <h2 className="mt-6 text-lg font-semibold">Complaint rate by hour, last 3 days</h2>
        <RateChart
          data={series.map((p) => ({ at: p.at, rate: p.complaintRate }))}
          lines={[
            { value: ACCOUNT_LINES.complaint.warn, label: "Guard: warn", tone: "guard" },
            { value: ACCOUNT_LINES.complaint.stop, label: "Guard: stop", tone: "guard" },
            { value: SES_LINES.complaint.review, label: "SES review", tone: "ses" },
            { value: SES_LINES.complaint.pause, label: "SES pause", tone: "ses" },
          ]}
          label="The account's complaint rate by hour over the last three days"
        />
      </Card>

      <h2 className="mt-8 text-lg font-semibold">Tenants, last 24 hours</h2>
      <nav aria-label="Sort tenants" className="mt-2 flex flex-wrap gap-2 text-sm">
        {(Object.keys(SORTS) as Sort[]).map((s) => (
          <Link
            key={s}
            href={`/ops?sort=${s}`}
            aria-current={sort === s ? "page" : undefined}
            className={`rounded-full border px-3 py-1 ${sort === s ? "border-brand-600 bg-brand-600 text-white" : "border-slate-300 bg-white"}`}
          >
            By {s === "share" ? "share of bounces" : s}
          </Link>
        ))}
      </nav>
      <div className="mt-2 rounded-lg border border-slate-200 bg-white px-3">
        <table className={stacked.table} data-testid="tenant-sending">
          <caption className="sr-only">Every tenant&apos;s sending over the last 24 hours</caption>
          <thead className={stacked.head}>
            <tr>
              <th scope="col" className="py-2 pr-3 font-medium">
                Tenant
              </th>
              <th scope="col" className="py-2 pr-3 font-medium">
                State
              </th>
              <th scope="col" className="py-2 pr-3 text-right font-medium">
                Sent
              </th>
              <th scope="col" className="py-2 pr-3 font-medium">
                Hard bounces
              </th>
              <th scope="col" className="py-2 pr-3 text-right font-medium">
                Share of bounces
              </th>
              <th scope="col" className="py-2 pr-3 text-right font-medium">
                Held
              </th>
            </tr>
          </thead>
          <tbody className={stacked.body}>
            {tenants.map((t) => {
              const [tone, word] = LEVEL[t.bounce.level];
              return (
                <tr key={t.id} className={stacked.row}>
                  <th scope="row" className="py-2 pr-3 font-medium max-sm:block max-sm:py-0.5">
                    <Link className="text-brand-700 underline" href={`/ops/tenants/${t.slug}`}>
                      {t.name}
                    </Link>
                  </th>
                  <td className={stacked.cell} data-label="State: ">
                    {t.breaker === "open" ? (
                      <Badge tone="stop">
                        {t.pausedBy === "operator"
                          ? "Paused by an operator"
                          : "Paused by the breaker"}
                      </Badge>
                    ) : t.breaker === "half_open" ? (
                      <Badge tone="info">Resuming</Badge>
                    ) : (
                      <Badge tone="ok">Sending</Badge>
                    )}
                  </td>
                  <td
                    className={`${stacked.cell} text-right tabular-nums max-sm:text-left`}
                    data-label="Sent: "
                  >
                    {n(t.sends)}
                  </td>
                  <td className={stacked.cell} data-label="Hard bounces: ">
                    <span className="tabular-nums">{n(t.hardBounces)}</span>{" "}
                    <Badge tone={tone}>
                      {t.bounce.level === "too_few" ? word : `${percent(t.bounce.rate)} · ${word}`}
                    </Badge>
                  </td>
                  <td
                    className={`${stacked.cell} text-right tabular-nums max-sm:text-left`}
                    data-label="Share of bounces: "
                  >
                    {percent(t.share)}
                  </td>
                  <td
                    className={`${stacked.cell} text-right tabular-nums max-sm:text-left`}
                    data-label="Held: "
                  >
                    {n(t.held)}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>

      <Card className="mt-6">
        <h2 className="text-lg font-semibold">Feedback from SES</h2>
        <p className="mt-1 text-sm text-slate-600">
          {feedback.sentLastHour.toLocaleString("en")} mails sent in the last hour;{" "}
          {feedback.lastEventAt
            ? `the last event arrived ${when(feedback.lastEventAt)}.`
            : "no event has arrived yet."}{" "}
          <Link className="text-brand-700 underline" href="/ops/events">
            The latest events
          </Link>
        </p>
        {feedback.topics.length === 0 ? (
          <p className="mt-2 text-sm text-red-700">
            No SNS topic is configured (SNS_TOPIC_ARNS): no bounce or complaint can arrive.
          </p>
        ) : (
          <ul className="mt-2 flex flex-col gap-1 text-sm">
            {feedback.topics.map((t) => (
              <li key={t.topicArn} className="flex flex-wrap items-center gap-2">
                <code className="break-all">{t.topicArn}</code>
                {t.unsubscribed ? (
                  <Badge tone="stop">Unsubscribed</Badge>
                ) : t.confirmed ? (
                  <Badge tone="ok">Confirmed</Badge>
                ) : (
                  <Badge tone="muted">No confirmation seen</Badge>
                )}
                <span className="text-slate-600">
                  {t.lastEventAt ? `last event ${when(t.lastEventAt)}` : "no event yet"}
                </span>
              </li>
            ))}
          </ul>
        )}
      </Card>
      <FeedbackApplierCard
        backlog={backlog}
        verdict={applierVerdict(backlog, new Date())}
        parked={parked}
        retry={retryParkedFeedback}
      />
    </OperatorShell>
  );
}
