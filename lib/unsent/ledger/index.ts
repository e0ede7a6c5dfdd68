/**
 * The unsent ledger: its SQL (sql.ts), reading its rows (read.ts), its counts (counts.ts) and the
 * page's one statement (page.ts).
 */
export {
  ledgerSelect,
  safeTimeZone,
  type LedgerFilter,
  type LedgerRow,
  type LedgerScope,
} from "./sql";
export { ledgerCursor, ledgerRows } from "./read";
export {
  emptyCounts,
  ledgerCounts,
  ledgerCountsByTenant,
  ledgerCountsSelect,
  type CaseCount,
  type LedgerCounts,
} from "./counts";
export { ledgerPageRows, ledgerReasons, type LedgerPageRows } from "./page";
