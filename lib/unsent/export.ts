/**
 * The ledger as a workbook (DESIGN.md: a summary sheet and one sheet per case, streamed): the
 * summary's counts are read first (an aggregate), then a cursor per case feeds its sheet a row at a
 * time, the next case's query running while a sheet is written. Times are real Excel dates, as wall-clock time in the
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
  ledgerCounts,
  ledgerCursor,
  safeTimeZone,
  type LedgerCounts,
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

/**
 * One cursor per case, in case order: when a case's sheet starts, the next case's query starts too,
 * so the database works out the next sheet's rows while this one is written. At most two cursors
 * (two connections) are open at a time.
 */
class CaseCursors {
  private readonly opened = new Map<
    UnsentCase,
    { rows: AsyncGenerator<LedgerRow>; first: Promise<IteratorResult<LedgerRow>> }
  >();
  constructor(private readonly open: (c: UnsentCase) => AsyncGenerator<LedgerRow>) {}

  /** Opens the case's cursor (its query starts), if it is not open yet. */
  start(c: UnsentCase) {
    let cursor = this.opened.get(c);
    if (!cursor) {
      const rows = this.open(c);
      cursor = { rows, first: rows.next() };
      // Awaited in `of`; a failure here must not go unhandled if the download stops before.
      cursor.first.catch(() => {});
      this.opened.set(c, cursor);
    }
    return cursor;
  }

  async *of(unsentCase: UnsentCase): AsyncGenerator<LedgerRow> {
    const cursor = this.start(unsentCase);
    const after = UNSENT_CASES[UNSENT_CASES.indexOf(unsentCase) + 1];
    if (after) this.start(after);
    try {
      for (let step = await cursor.first; !step.done; step = await cursor.rows.next())
        yield step.value;
    } finally {
      this.opened.delete(unsentCase);
      await cursor.rows.return(undefined);
    }
  }

  /** Ends every open cursor (a download that stopped part-way). */
  async close(): Promise<void> {
    const open = [...this.opened.values()];
    this.opened.clear();
    for (const cursor of open) {
      await cursor.first.catch(() => {});
      await cursor.rows.return(undefined);
    }
  }
}

const STATUS_WORD = (r: LedgerRow) =>
  `${STATUS_LABEL[r.status]}${r.reason ? `: ${reasonText(r.reason)}` : ""}`;

export type LedgerWorkbook = { sheets: SheetSpec[]; fileName: string; empty: boolean };

type About = { tenantName: string | null; slug: string | null; periodLabel: string; now?: Date };

const isEmpty = (counts: LedgerCounts, state: LedgerFilter["state"]) =>
  UNSENT_CASES.every((c) =>
    state === "open"
      ? counts[c].open === 0
      : state === "resolved"
        ? counts[c].resolved === 0
        : counts[c].open + counts[c].resolved === 0,
  );

/**
 * The workbook of one tenant's ledger (`scope.tenantId`) or of all tenants, for the filter: the
 * summary, then a sheet per case. Nothing is read for the case sheets until they are written.
 */
export async function ledgerWorkbook(
  scope: LedgerScope,
  filter: Omit<LedgerFilter, "case" | "mailIds">,
  about: About,
): Promise<LedgerWorkbook> {
  const zone = await zoneOf(scope);
  const counts = ledgerCounts(scope, filter);
  return {
    sheets: workbookSheets(scope, filter, about, zone, counts),
    fileName: ledgerFileName(about.slug, about.now ?? new Date(), zone),
    empty: isEmpty(await counts, filter.state),
  };
}

/**
 * The same workbook for a download that starts at once: the sheets come when the counts are in
 * (the workbook's first parts go out meanwhile), and the first case's rows are asked for alongside
 * the counts.
 */
export async function ledgerDownload(
  scope: LedgerScope,
  filter: Omit<LedgerFilter, "case" | "mailIds">,
  about: About,
): Promise<{ sheets: Promise<SheetSpec[]>; fileName: string }> {
  const zone = await zoneOf(scope);
  const counts = ledgerCounts(scope, filter);
  const sheets = workbookSheets(scope, filter, about, zone, counts);
  return {
    // The summary's rows wait for the counts themselves; this only makes a failed count fail early.
    sheets: counts.then(() => sheets),
    fileName: ledgerFileName(about.slug, about.now ?? new Date(), zone),
  };
}

const zoneOf = (scope: LedgerScope) =>
  "tenantId" in scope ? tenantTimeZone(scope.tenantId) : Promise.resolve("UTC");

function workbookSheets(
  scope: LedgerScope,
  filter: Omit<LedgerFilter, "case" | "mailIds">,
  about: About,
  zone: string,
  countsRead: Promise<LedgerCounts>,
): SheetSpec[] {
  const now = about.now ?? new Date();
  const allTenants = !("tenantId" in scope);
  const cursors = new CaseCursors((c) => ledgerCursor(scope, { ...filter, case: c }, zone));

  const summaryRows = async function* (): AsyncGenerator<CellValue[]> {
    // The first case's query runs while the counts are read: one is as slow as the other.
    cursors.start(UNSENT_CASES[0]);
    const counts = await countsRead;
    const line = (text: string | null): CellValue[] => [text, null, null, null, null];
    yield line(`Mail that did not reach members: ${about.tenantName ?? "all organisations"}`);
    yield line(`Period: ${about.periodLabel}`);
    yield line(`Made ${now.toISOString().slice(0, 16).replace("T", " ")} UTC; times in ${zone}`);
    yield line(null);
    for (const c of UNSENT_CASES)
      yield [
        CASE_TEXT[c].short,
        counts[c].open,
        counts[c].resolved,
        CASE_TEXT[c].meaning,
        CASE_TEXT[c].remedy,
      ];
    if (isEmpty(counts, filter.state)) {
      yield line(null);
      yield line("Nothing to do: no mail failed to reach a member in this period.");
    }
  };
  const summary: SheetSpec = {
    name: "Summary",
    columns: [
      { header: "Case", width: 30 },
      { header: "Still to do", width: 12 },
      { header: "Resolved", width: 12 },
      { header: "What it means", width: 60 },
      { header: "What to do", width: 70 },
    ],
    rows: summaryRows(),
  };

  const caseRows = async function* (c: UnsentCase): AsyncGenerator<CellValue[]> {
    let finished = false;
    try {
      for await (const r of cursors.of(c)) {
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
      finished = true;
    } finally {
      // A download that stops part-way ends the next case's cursor too (its connection goes back).
      if (!finished) await cursors.close();
    }
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
  return [
    summary,
    ...UNSENT_CASES.map((c) => ({
      name: CASE_TEXT[c].short,
      columns,
      rows: caseRows(c),
      autoFilter: true,
      // However the writing ends, no cursor stays open.
      release: () => cursors.close(),
    })),
  ];
}
