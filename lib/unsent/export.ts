/**
 * The ledger as a workbook (DESIGN.md: a summary sheet and one sheet per case, streamed): the
 * summary's counts are read first, then one cursor over the ledger in case order feeds the case
 * sheets one after another, a row at a time. Times are real Excel dates, as wall-clock time in the
 * tenant's zone (UTC for the all-tenants workbook, whose tenants may be anywhere).
 */
import { eq } from "drizzle-orm";
import { db } from "@/db/client";
import { tenants } from "@/db/schema";
import type { CellValue, SheetSpec } from "@/lib/export/xlsx";
import { reasonText, STATUS_LABEL } from "@/lib/mail/reasons";
import {
  CASE_TEXT,
  MEMBER_STATUS_TEXT,
  RESOLUTION_TEXT,
  UNSENT_CASES,
  whatToDo,
  type UnsentCase,
} from "./cases";
import {
  emptyCounts,
  ledgerCursor,
  safeTimeZone,
  type LedgerFilter,
  type LedgerRow,
  type LedgerScope,
} from "./ledger";

export async function tenantTimeZone(tenantId: string): Promise<string> {
  const [row] = await db
    .select({ settings: tenants.settings })
    .from(tenants)
    .where(eq(tenants.id, tenantId));
  return safeTimeZone(row?.settings.timeZone);
}

/** yyyymmdd of `now` in the zone. */
export function dayStamp(now: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(now);
  return parts.replaceAll("-", "");
}

export function ledgerFileName(slug: string | null, now: Date, timeZone: string): string {
  return `unsent-${slug ?? "all-tenants"}-${dayStamp(now, timeZone)}.xlsx`;
}

/** Pulls rows of one case at a time off one ordered stream. */
class CaseStream {
  private next: LedgerRow | null | undefined;
  constructor(private readonly source: AsyncIterator<LedgerRow>) {}

  private async peek(): Promise<LedgerRow | null> {
    if (this.next === undefined) {
      const step = await this.source.next();
      this.next = step.done ? null : step.value;
    }
    return this.next;
  }

  /** Reads the first row (and with it the totals) before anything is written. */
  async start(): Promise<void> {
    await this.peek();
  }

  async *of(unsentCase: UnsentCase): AsyncGenerator<LedgerRow> {
    for (;;) {
      const row = await this.peek();
      if (!row || row.unsentCase !== unsentCase) return;
      this.next = undefined;
      yield row;
    }
  }

  async close(): Promise<void> {
    await this.source.return?.(undefined);
  }
}

const STATUS_WORD = (r: LedgerRow) =>
  `${STATUS_LABEL[r.status]}${r.reason ? `: ${reasonText(r.reason)}` : ""}`;

export type LedgerWorkbook = { sheets: SheetSpec[]; fileName: string; empty: boolean };

/**
 * The workbook of one tenant's ledger (`scope.tenantId`) or of all tenants, for the filter: the
 * summary, then a sheet per case. Nothing is read for the case sheets until they are written.
 */
export async function ledgerWorkbook(
  scope: LedgerScope,
  filter: Omit<LedgerFilter, "case" | "mailIds">,
  about: { tenantName: string | null; slug: string | null; periodLabel: string; now?: Date },
): Promise<LedgerWorkbook> {
  const now = about.now ?? new Date();
  const allTenants = !("tenantId" in scope);
  const zone = allTenants ? "UTC" : await tenantTimeZone(scope.tenantId);
  // One pass: the cursor's first row carries the counts per case the summary needs.
  let counts = emptyCounts();
  const stream = new CaseStream(
    ledgerCursor(scope, filter, zone, (totals) => (counts = totals))[Symbol.asyncIterator](),
  );
  await stream.start();
  const state = filter.state ?? "all";
  const shown = (c: UnsentCase) =>
    state === "open"
      ? counts[c].open
      : state === "resolved"
        ? counts[c].resolved
        : counts[c].open + counts[c].resolved;
  const empty = UNSENT_CASES.every((c) => shown(c) === 0);

  const summaryRows: CellValue[][] = [
    [
      `Mail that did not reach members: ${about.tenantName ?? "all organisations"}`,
      null,
      null,
      null,
      null,
    ],
    [`Period: ${about.periodLabel}`, null, null, null, null],
    [
      `Made ${now.toISOString().slice(0, 16).replace("T", " ")} UTC; times in ${zone}`,
      null,
      null,
      null,
      null,
    ],
    [null, null, null, null, null],
    ...UNSENT_CASES.map((c) => [
      CASE_TEXT[c].short,
      counts[c].open,
      counts[c].resolved,
      CASE_TEXT[c].meaning,
      CASE_TEXT[c].remedy,
    ]),
  ];
  if (empty) {
    summaryRows.push(
      [null, null, null, null, null],
      ["Nothing to do: no mail failed to reach a member in this period.", null, null, null, null],
    );
  }
  const summary: SheetSpec = {
    name: "Summary",
    columns: [
      { header: "Case", width: 30 },
      { header: "Still to do", width: 12 },
      { header: "Resolved", width: 12 },
      { header: "What it means", width: 60 },
      { header: "What to do", width: 70 },
    ],
    rows: summaryRows,
  };

  const caseRows = async function* (c: UnsentCase): AsyncGenerator<CellValue[]> {
    for await (const r of stream.of(c)) {
      yield [
        ...(allTenants ? [r.tenantSlug] : []),
        r.loginId,
        r.name,
        r.address,
        CASE_TEXT[r.unsentCase].short,
        STATUS_WORD(r),
        r.attempts,
        r.firstLocal,
        r.lastLocal,
        MEMBER_STATUS_TEXT[r.memberStatus],
        r.resolvedBy ? `Resolved: ${RESOLUTION_TEXT[r.resolvedBy]}` : "To do",
        whatToDo(r),
      ];
    }
    // The last sheet closes the cursor (it is also closed if the download stops early).
    if (c === UNSENT_CASES.at(-1)) await stream.close();
  };
  const columns = [
    ...(allTenants ? [{ header: "Organisation", width: 18 }] : []),
    { header: "Login ID", width: 18 },
    { header: "Name", width: 24 },
    { header: "Address", width: 32 },
    { header: "Case", width: 24 },
    { header: "Reason", width: 48 },
    { header: "Attempts", width: 10 },
    { header: `First attempt (${zone})`, width: 20, date: true },
    { header: `Last attempt (${zone})`, width: 20, date: true },
    { header: "Member now", width: 16 },
    { header: "State", width: 30 },
    { header: "What to do", width: 60 },
  ];
  return {
    sheets: [
      summary,
      ...UNSENT_CASES.map((c) => ({
        name: CASE_TEXT[c].short,
        columns,
        rows: caseRows(c),
        autoFilter: true,
      })),
    ],
    fileName: ledgerFileName(about.slug, now, zone),
    empty,
  };
}
