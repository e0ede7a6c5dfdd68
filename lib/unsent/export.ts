/**
 * The ledger as a workbook (DESIGN.md: a summary sheet and one sheet per case, streamed): a cursor
 * per case feeds its sheet a batch at a time, the next case's statement running while a sheet is
 * written, and the summary, first in the workbook, is written last, its counts read meanwhile
 * (LedgerDownloadReader). Times are real Excel dates, as wall-clock time in the tenant's zone (UTC
 * for the all-tenants workbook, whose tenants may be anywhere).
 */
import { eq } from "drizzle-orm";
import { db } from "@/db/client";
import { tenants } from "@/db/schema";
import {
  excelDate,
  type BatchedSheetSpec,
  type CellValue,
  type SheetSpec,
} from "@/lib/export/xlsx";
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
  LedgerDownloadReader,
  safeTimeZone,
  type ExportRow,
  type LedgerCounts,
  type LedgerFilter,
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

/** The reason column's words for a row's state and reason, made once per pair in a download. */
function statusWords(): (r: ExportRow) => string {
  const made = new Map<string, Map<string | null, string>>();
  return (r) => {
    let byReason = made.get(r.status);
    if (!byReason) made.set(r.status, (byReason = new Map()));
    let words = byReason.get(r.reason);
    if (words === undefined) {
      words = `${STATUS_LABEL[r.status]}${r.reason ? `: ${reasonText(r.reason)}` : ""}`;
      byReason.set(r.reason, words);
    }
    return words;
  };
}

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
 * The workbook of one tenant's ledger (`scope.tenantId`) or of all tenants, for the filter (the
 * summary, then a sheet per case), for a download that starts at once: the ledger's statements start now, the
 * sheets come once they have (the workbook's first parts go out meanwhile). `signal` (the request's)
 * ends the reading when the person goes away, also while the download still waits for its turn.
 */
export async function ledgerDownload(
  scope: LedgerScope,
  filter: Omit<LedgerFilter, "case" | "mailIds">,
  about: About,
  signal?: AbortSignal,
): Promise<{ sheets: Promise<(SheetSpec | BatchedSheetSpec)[]>; fileName: string }> {
  const zone = await zoneOf(scope);
  const reader = new LedgerDownloadReader(scope, filter, zone);
  if (signal?.aborted) void reader.close();
  else signal?.addEventListener("abort", () => void reader.close(), { once: true });
  const sheets = workbookSheets(reader, scope, about, zone);
  return {
    // The summary's rows wait for the counts themselves (it is written last, in first place); this
    // only makes a read that cannot start fail before the workbook does.
    sheets: reader.open().then(() => sheets),
    fileName: ledgerFileName(about.slug, about.now ?? new Date(), zone),
  };
}

const zoneOf = (scope: LedgerScope) =>
  "tenantId" in scope ? tenantTimeZone(scope.tenantId) : Promise.resolve("UTC");

function workbookSheets(
  reader: LedgerDownloadReader,
  scope: LedgerScope,
  about: About,
  zone: string,
): (SheetSpec | BatchedSheetSpec)[] {
  const now = about.now ?? new Date();
  const allTenants = !("tenantId" in scope);
  const state = reader.filter.state;

  const summaryRows = async function* (): AsyncGenerator<CellValue[]> {
    const counts = await reader.counts();
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
    if (isEmpty(counts, state)) {
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
    // Its counts come while the cases' rows are written: the rows need not wait for them.
    writtenLast: true,
  };

  const statusWord = statusWords();
  const caseCells = (r: ExportRow): CellValue[] => [
    r.loginId,
    r.name,
    r.address,
    CASE_TEXT[r.unsentCase].short,
    statusWord(r),
    r.attempts,
    excelDate(r.firstLocalMs),
    excelDate(r.lastLocalMs),
    MEMBER_STATUS_TEXT[r.memberStatus],
    r.resolvedBy ? `Resolved: ${RESOLUTION_TEXT[r.resolvedBy]}` : "To do",
    whatToDo(r),
  ];
  const cells = allTenants
    ? (r: ExportRow): CellValue[] => [r.tenantSlug ?? null, ...caseCells(r)]
    : caseCells;
  const caseBatches = async function* (c: UnsentCase): AsyncGenerator<CellValue[][]> {
    for await (const batch of reader.rowsOf(c)) yield batch.map(cells);
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
      batches: caseBatches(c),
      autoFilter: true,
      // However the writing ends, the cursor does not stay open.
      release: () => reader.close(),
    })),
  ];
}
