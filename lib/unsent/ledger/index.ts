/**
 * The unsent ledger: its SQL (sql.ts), reading its rows (read.ts), its counts (counts.ts), the
 * page's one statement (page.ts) and the download's (parts.ts, read by download.ts).
 */
export {
  ledgerSelect,
  safeTimeZone,
  type ExportRow,
  type LedgerFilter,
  type LedgerRow,
  type LedgerScope,
} from "./sql";
export { ledgerCursor, ledgerRows } from "./read";
export { LedgerDownloadReader } from "./download";
export { ledgerPartExportSelect } from "./parts";
export {
  emptyCounts,
  ledgerCounts,
  ledgerCountsByTenant,
  ledgerCountsSelect,
  type CaseCount,
  type LedgerCounts,
} from "./counts";
export { ledgerPageRows, ledgerReasons, type LedgerPageRows } from "./page";
