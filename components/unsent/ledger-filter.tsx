import { utcStamp } from "@/lib/unsent/period";
import type { LedgerQuery } from "@/lib/unsent/view";

const select = "min-h-10 rounded-md border border-slate-300 bg-white px-2";

/**
 * The unsent ledger's filter (a GET form) and its download link, for a tenant's admins and for
 * operators: the period always; the reason and what to show where `reasons` are given.
 */
export function LedgerFilter({
  query,
  reasons,
  download,
}: {
  query: LedgerQuery;
  /** The reasons in the ledger to choose from; without them there is no reason or show choice. */
  reasons?: readonly { reason: string; text: string; n: number }[];
  download: { href: string; label: string };
}) {
  return (
    <form method="get" className="mt-4 flex flex-wrap items-end gap-3 text-sm" aria-label="Filter">
      <label className="flex flex-col gap-1">
        <span className="font-medium">Period</span>
        <select name="period" defaultValue={query.period.choice} className={select}>
          {query.pause && (
            <option value="pause">Since the pause of {utcStamp(query.pause.startedAt)}</option>
          )}
          <option value="1d">Last 24 hours</option>
          <option value="7d">Last 7 days</option>
          <option value="30d">Last 30 days</option>
          <option value="all">At any time</option>
        </select>
      </label>
      {reasons && (
        <>
          <label className="flex flex-col gap-1">
            <span className="font-medium">Reason</span>
            <select
              name="reason"
              defaultValue={query.reason ?? ""}
              className={`${select} max-w-[20rem]`}
            >
              <option value="">Any reason</option>
              {reasons.map((r) => (
                <option key={r.reason} value={r.reason}>
                  {r.text} ({r.n})
                </option>
              ))}
            </select>
          </label>
          <label className="flex flex-col gap-1">
            <span className="font-medium">Show</span>
            <select name="show" defaultValue={query.show} className={select}>
              <option value="open">Still to do</option>
              <option value="resolved">Resolved</option>
              <option value="all">Both</option>
            </select>
          </label>
        </>
      )}
      <button
        type="submit"
        className="min-h-10 rounded-md border border-slate-300 bg-white px-4 font-medium hover:bg-slate-50"
      >
        Apply
      </button>
      <a
        className="inline-flex min-h-10 items-center rounded-md bg-brand-600 px-4 font-medium text-white hover:bg-brand-700"
        href={download.href}
        download
      >
        {download.label}
      </a>
    </form>
  );
}
