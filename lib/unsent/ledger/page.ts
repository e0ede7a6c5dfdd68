/** What the ledger page shows in one statement, and the reasons to filter by. */
import { sql, type SQL } from "drizzle-orm";
import { countsJson, countsOfJson, type LedgerCounts } from "./counts";
import { withWorkMem } from "./read";
import {
  ORDER,
  ledgerCtes,
  problemWhere,
  rowColumns,
  safeTimeZone,
  toRow,
  type LedgerFilter,
  type LedgerRow,
  type LedgerScope,
  type RawRow,
} from "./sql";

/**
 * The reasons to filter by: each row's newest unsent mail's reason, counted, for the period (never
 * narrowed by the reason filter itself).
 */
function reasonsCte(scope: LedgerScope, filter: Pick<LedgerFilter, "since">): SQL {
  return sql`
    reasons as (
      select x.reason, count(*)::int as n
        from (select distinct on (o.tenant_id, o.member_id, o.category, subject_key) o.reason
                from (select o.*, case when o.category = 'message_notice'
                                       then coalesce(o.params->>'messageId', '') else '' end as subject_key
                        from outbound_emails o
                       where ${problemWhere(scope, filter)}) o
               order by o.tenant_id, o.member_id, o.category, subject_key, o.id desc) x
       where x.reason is not null
       group by 1
    )`;
}

/** The reasons in the ledger with how many rows' newest mail has each (the reason filter's choices). */
export async function ledgerReasons(
  scope: LedgerScope,
  filter: Pick<LedgerFilter, "since"> = {},
): Promise<{ reason: string; n: number }[]> {
  const rows = await withWorkMem(undefined, (tx) =>
    tx.execute<{ reason: string; n: number }>(sql`
      with ${reasonsCte(scope, filter)}
      select reason, n from reasons order by n desc, reason`),
  );
  return rows.map((r) => ({ reason: r.reason, n: Number(r.n) }));
}

export type LedgerPageRows = {
  counts: LedgerCounts;
  reasons: { reason: string; n: number }[];
  /** Up to `perCase` rows of each case that the filter's state shows, in the ledger's order. */
  rows: LedgerRow[];
};

/**
 * What the ledger page shows, in one statement: the counts per case, the reasons to filter by, and
 * the first `perCase` rows of each case.
 */
export async function ledgerPageRows(
  scope: LedgerScope,
  filter: Omit<LedgerFilter, "case" | "mailIds">,
  options: { perCase: number; timeZone?: string },
): Promise<LedgerPageRows> {
  const zone = safeTimeZone(options.timeZone);
  const state = filter.state ?? "all";
  const shown =
    state === "open"
      ? sql`l.resolved_by is null`
      : state === "resolved"
        ? sql`l.resolved_by is not null`
        : sql`true`;
  type PageRaw = RawRow & { counts: string | null; reasons: string | null; k: number | null };
  const raw = await withWorkMem(undefined, (tx) =>
    tx.execute<PageRaw>(sql`
      with ${ledgerCtes(scope, filter, true)}, ${reasonsCte(scope, filter)},
      page as (
        select * from (
          select l.*, row_number() over (partition by l.unsent_case order by ${ORDER}) as n
            from ledger l where ${shown}) l
         where l.n <= ${options.perCase}
      ), summary as (
        select ${countsJson} as counts,
               (select json_agg(json_build_object('reason', r.reason, 'n', r.n) order by r.n desc, r.reason)
                  from reasons r) as reasons
      )
      select case when l.k is null or l.k = 1 then s.counts end as counts,
             case when l.k is null or l.k = 1 then s.reasons end as reasons,
             l.k, ${rowColumns(zone)}
        from summary s
        left join (select l.*, row_number() over (order by ${ORDER}) as k from page l) l on true
       order by l.k`),
  );
  const head = raw[0]!;
  const parse = <T>(v: unknown): T[] =>
    v == null ? [] : ((typeof v === "string" ? JSON.parse(v) : v) as T[]);
  return {
    counts: countsOfJson(scope, head.counts),
    reasons: parse<{ reason: string; n: number }>(head.reasons),
    rows: raw.filter((r) => r.k != null).map(toRow),
  };
}
