/**
 * The download's statements (SQL): the ledger in two parts, each read by its own cursor
 * (LedgerDownloadReader in download.ts), with the counts the summary needs.
 */
import { sql, type SQL } from "drizzle-orm";
import { UNSENT_CASES, type UnsentCase } from "../cases";
import { countsJson } from "./counts";
import {
  CASE_ORDER,
  TENANT_ORDER,
  ledgerCtes,
  ledgerWhere,
  localMs,
  safeTimeZone,
  type ExportRow,
  type LedgerFilter,
  type LedgerScope,
} from "./sql";

export type DownloadFilter = Omit<LedgerFilter, "case" | "mailIds">;

/**
 * Whether a download reads every row of the ledger (no state filter): then its counts are the
 * rows it reads, counted as they are taken, and no statement works them out on its own.
 */
export const countsFromRows = (filter: DownloadFilter) => (filter.state ?? "all") === "all";

/**
 * The download's statements, each a part of the ledger (its cases, in the ledger's order): the
 * first sheet's case alone, so its rows come as soon as the database can give them, and the other
 * four together, worked out meanwhile on the other connection. One statement for four cases reads
 * the unsent mail and the members once, not four times: 0.9 s against 1.2 s for the four on their
 * own, 1.2 s against 2.0 s as a connection's first statements (PostgreSQL 15, a ledger of 100,000
 * rows). Two: one for each of the download's two connections.
 */
export const DOWNLOAD_PARTS: readonly [readonly UnsentCase[], readonly UnsentCase[]] = [
  UNSENT_CASES.slice(0, 1),
  UNSENT_CASES.slice(1),
];

/**
 * One part of the ledger for the workbook: the rows of `cases` the filter keeps (ExportRow), case
 * after case in the ledger's order, after a first line with the counts per tenant and case of
 * those cases (never narrowed by the state filter, as `ledgerCounts`) when the filter leaves rows
 * out (`countsFromRows`). The ledger is worked out for those cases only (`ledgerCtes` narrowed to
 * their kinds of mail), so each statement is a part of the whole and the first sheet's rows come
 * without waiting for every case's.
 */
export function ledgerPartExportSelect(
  scope: LedgerScope,
  filter: DownloadFilter,
  cases: readonly UnsentCase[],
  timeZone = "UTC",
): SQL {
  const zone = safeTimeZone(timeZone);
  const narrowed = { ...filter, cases };
  // Sorted as the ledger is within a case (and within a tenant, for one tenant's: the sort need
  // not compare what is the same in every row), the part's cases one after the other.
  const within = "tenantId" in scope ? TENANT_ORDER : CASE_ORDER;
  const order =
    cases.length > 1
      ? sql`array_position(${sql.param([...cases])}::text[], l.unsent_case), ${within}`
      : within;
  // The tenant's slug is the same in every row of one tenant's: not read 100,000 times.
  const slug = "tenantId" in scope ? sql`` : sql`l.tenant_slug as "tenantSlug", `;
  const columns = sql`${slug}l.login_id as "loginId", l.name,
           l.to_address as address, l.member_status as "memberStatus", l.unsent_case as "unsentCase",
           l.status, l.reason, l.attempts, ${localMs(sql`l.first_at`, zone)} as "firstLocalMs",
           ${localMs(sql`l.last_at`, zone)} as "lastLocalMs", l.resolved_by as "resolvedBy"`;
  if (countsFromRows(filter))
    return sql`
      with ${ledgerCtes(scope, narrowed, true)}
      select ${columns}
        from ledger l
       where ${ledgerWhere(narrowed)}
       order by ${order}`;
  // The union's columns carry the ledger's names, so it sorts as the ledger does, the counts line
  // first; the NULLs of the first line take the types of the second.
  return sql`
    with ${ledgerCtes(scope, narrowed, true)}
    select l.counts, ${columns}
      from (
        select 0 as part, ${countsJson} as counts, null as tenant_slug, null as login_id, null as name,
               null as to_address, null as member_status, null as unsent_case, null as status,
               null as reason, null as attempts, null as first_at, null as last_at,
               null as resolved_by, null as mail_id
        union all
        select 1, null, l.tenant_slug, l.login_id, l.name, l.to_address, l.member_status,
               l.unsent_case, l.status, l.reason, l.attempts, l.first_at, l.last_at, l.resolved_by,
               l.mail_id
          from ledger l
         where ${ledgerWhere(narrowed)}
      ) l
     order by l.part, ${order}`;
}

/** A row of a part's statement: its first line carries the counts when the filter asks for them. */
export type ExportLine = ExportRow & { counts: unknown };
