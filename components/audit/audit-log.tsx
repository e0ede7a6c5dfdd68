import Link from "next/link";
import { FilterButton, FilterSelect } from "@/components/filter";
import type { AuditPage } from "@/lib/audit/log";
import { ACTION_LABELS, AUDIT_PERIODS, type AuditPeriod } from "@/lib/audit/labels";

const when = (d: Date) => `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;

/** `resetCode` → `Reset code`: detail keys as words. */
const words = (key: string) =>
  key.replace(/([a-z])([A-Z])/g, "$1 $2").replace(/^./, (c) => c.toUpperCase());

/** Internal row ids (a batch, a mail, a bypass) mean nothing to a person; login IDs do. */
const internalId = (key: string) => /Ids?$/.test(key) && !/^loginIds?$/.test(key);

/** `create_only` → `create only`, `true` → `yes`: stored values as words. */
const value = (v: unknown): string => {
  if (typeof v === "boolean") return v ? "yes" : "no";
  if (typeof v === "string" && /^[a-z]+(_[a-z]+)+$/.test(v)) return v.replaceAll("_", " ");
  return typeof v === "object" ? JSON.stringify(v) : String(v);
};

/** The entry's detail as one short line; long values are cut, the whole line is in the title. */
export function describeDetail(detail: Record<string, unknown>): string {
  return Object.entries(detail)
    .filter(([k, v]) => v !== null && v !== undefined && v !== "" && !internalId(k))
    .map(([k, v]) => `${words(k)}: ${value(v)}`)
    .join(" · ");
}

export type AuditFilterValues = {
  tenant: string;
  action: string;
  period: AuditPeriod;
};

/**
 * The filter form (a GET form, so a filtered view is a link) and the entries with an "Older" link.
 * `tenants` is given on the operators' page only.
 */
export function AuditLog({
  base,
  filter,
  tenants,
  page,
  before,
}: {
  base: string;
  filter: AuditFilterValues;
  tenants?: { slug: string; name: string }[];
  page: AuditPage;
  before: string | undefined;
}) {
  const query = (extra: Record<string, string>) => {
    const q = new URLSearchParams();
    if (filter.tenant) q.set("tenant", filter.tenant);
    if (filter.action) q.set("action", filter.action);
    q.set("period", filter.period);
    for (const [k, v] of Object.entries(extra)) q.set(k, v);
    return `${base}?${q}`;
  };
  return (
    <>
      <form method="get" className="mt-4 flex flex-wrap items-end gap-3" aria-label="Filter">
        {tenants && (
          <FilterSelect
            label="Tenant"
            name="tenant"
            defaultValue={filter.tenant}
            choices={[
              ["", "All tenants and the platform"],
              ...tenants.map((t) => [t.slug, t.name] as const),
            ]}
          />
        )}
        <FilterSelect
          label="What"
          name="action"
          defaultValue={filter.action}
          choices={[["", "Everything"], ...Object.entries(ACTION_LABELS)]}
          wide
        />
        <FilterSelect
          label="When"
          name="period"
          defaultValue={filter.period}
          choices={Object.entries(AUDIT_PERIODS).map(([key, p]) => [key, p.label] as const)}
        />
        <FilterButton />
      </form>
      {page.rows.length === 0 ? (
        <p className="mt-6 text-sm text-slate-600" data-testid="audit-empty">
          Nothing was recorded {before ? "before these entries" : "in this period"} with these
          filters. Choose a longer period or “Everything”.
        </p>
      ) : (
        <ol className="mt-4 divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white">
          {page.rows.map((r) => {
            const detail = describeDetail(r.detail);
            return (
              <li key={r.id} className="px-3 py-2 text-sm" data-testid="audit-entry">
                <div className="flex flex-wrap items-baseline justify-between gap-x-3">
                  <span className="font-medium">{r.what}</span>
                  <time className="text-slate-600 tabular-nums" dateTime={r.at.toISOString()}>
                    {when(r.at)}
                  </time>
                </div>
                <div className="text-slate-700">
                  By {r.who}
                  {tenants && <> · {r.tenant ?? "Platform"}</>}
                </div>
                {detail && (
                  <div className="truncate text-xs text-slate-600" title={detail}>
                    {detail}
                  </div>
                )}
              </li>
            );
          })}
        </ol>
      )}
      <nav aria-label="Pages" className="mt-4 flex items-center gap-4 text-sm">
        {before && (
          <Link className="text-brand-700 underline" href={query({})}>
            ← Newest
          </Link>
        )}
        {page.next && (
          <Link className="text-brand-700 underline" href={query({ before: page.next })} rel="next">
            Older →
          </Link>
        )}
      </nav>
    </>
  );
}
