import { FilterSelect } from "@/components/filter";
import { utcStamp } from "@/lib/unsent/period";
import type { LedgerQuery } from "@/lib/unsent/view";

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
      <FilterSelect
        label="Period"
        name="period"
        defaultValue={query.period.choice}
        choices={[
          ...(query.pause
            ? [["pause", `Since the pause of ${utcStamp(query.pause.startedAt)}`] as const]
            : []),
          ["1d", "Last 24 hours"],
          ["7d", "Last 7 days"],
          ["30d", "Last 30 days"],
          ["all", "At any time"],
        ]}
      />
      {reasons && (
        <>
          <FilterSelect
            label="Reason"
            name="reason"
            defaultValue={query.reason}
            choices={[
              ["", "Any reason"],
              ...reasons.map((r) => [r.reason, `${r.text} (${r.n})`] as const),
            ]}
            wide
          />
          <FilterSelect
            label="Show"
            name="show"
            defaultValue={query.show}
            choices={[
              ["open", "Still to do"],
              ["resolved", "Resolved"],
              ["all", "Both"],
            ]}
          />
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
