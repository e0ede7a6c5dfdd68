/** The download's one statement: the ledger's counts, then what the workbook shows of every row. */
import { sql, type SQL } from "drizzle-orm";
import { countsJson, countsOfJson, type LedgerCounts } from "./counts";
import { cursorBatches } from "./read";
import {
  ORDER,
  ledgerCtes,
  ledgerWhere,
  localMs,
  safeTimeZone,
  type ExportRow,
  type LedgerFilter,
  type LedgerScope,
} from "./sql";

/**
 * The ledger worked out once for the whole workbook: a first line with the counts per tenant and
 * case (never narrowed by the state filter, as `ledgerCounts`), then the rows the filter keeps, in
 * the ledger's order (case by case), as ExportRow. One sort, no second statement for the counts.
 */
export function ledgerExportSelect(
  scope: LedgerScope,
  filter: Omit<LedgerFilter, "case" | "mailIds">,
  timeZone = "UTC",
): SQL {
  const zone = safeTimeZone(timeZone);
  // The union's columns carry the ledger's names, so ORDER sorts it as it sorts the ledger (the
  // counts line first); the NULLs of the first line take the types of the second.
  return sql`
    with ${ledgerCtes(scope, filter, true)}
    select l.counts, l.tenant_slug as "tenantSlug", l.login_id as "loginId", l.name,
           l.to_address as address, l.member_status as "memberStatus", l.unsent_case as "unsentCase",
           l.status, l.reason, l.attempts, ${localMs(sql`l.first_at`, zone)} as "firstLocalMs",
           ${localMs(sql`l.last_at`, zone)} as "lastLocalMs", l.resolved_by as "resolvedBy"
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
         where ${ledgerWhere(filter)}
      ) l
     order by l.part, ${ORDER}`;
}

type ExportLine = ExportRow & { counts: unknown };

/**
 * The ledger for a download, read once with a cursor: `counts()` starts the statement and gives
 * the counts from its first line; `rowsOf` then gives each case's rows a batch at a time, the cases
 * taken in the ledger's order (as the workbook's sheets are written). `close()` ends the read
 * however far it got.
 */
export class LedgerDownloadReader {
  private batches: AsyncGenerator<ExportLine[]> | null = null;
  private countsRead: Promise<LedgerCounts> | null = null;
  /** Rows read and not given out yet: the start of the next case's. */
  private rest: ExportRow[] = [];
  private finished = false;

  constructor(
    private readonly scope: LedgerScope,
    readonly filter: Omit<LedgerFilter, "case" | "mailIds">,
    private readonly timeZone: string,
  ) {}

  counts(): Promise<LedgerCounts> {
    this.countsRead ??= (async () => {
      this.batches = cursorBatches<ExportLine>(
        ledgerExportSelect(this.scope, this.filter, this.timeZone),
      );
      const first = await this.batches.next();
      if (first.done) throw new Error("The ledger's statement gave no counts.");
      const [head, ...rows] = first.value;
      this.rest = rows;
      return countsOfJson(this.scope, head!.counts);
    })();
    return this.countsRead;
  }

  /** The rows of `unsentCase`, a batch at a time; the cases are asked for in the ledger's order. */
  async *rowsOf(unsentCase: ExportRow["unsentCase"]): AsyncGenerator<ExportRow[]> {
    await this.counts();
    for (;;) {
      const rest = this.rest;
      let n = 0;
      while (n < rest.length && rest[n]!.unsentCase === unsentCase) n++;
      this.rest = n === rest.length ? [] : rest.slice(n);
      if (n > 0) yield n === rest.length ? rest : rest.slice(0, n);
      // The next case's rows have begun, or there are no more.
      if (this.rest.length > 0 || this.finished) return;
      const step = await this.batches!.next();
      if (step.done) {
        this.finished = true;
        return;
      }
      this.rest = step.value;
    }
  }

  /** Ends the read (the cursor closes, its connection goes back), however far it got. */
  async close(): Promise<void> {
    await this.countsRead?.catch(() => {});
    this.finished = true;
    this.rest = [];
    await this.batches?.return(undefined);
  }
}
