/** What the ledger's pages and downloads read from a URL, and the page's rows in words. */
import { reasonText, STATUS_LABEL } from "@/lib/mail/reasons";
import {
  CASE_TEXT,
  MEMBER_STATUS_TEXT,
  RESOLUTION_TEXT,
  UNSENT_CASES,
  whatToDo,
  type UnsentCase,
} from "./cases";
import { tenantTimeZone } from "./export";
import { ledgerPageRows, type LedgerCounts, type LedgerFilter } from "./ledger";
import { latestPause, periodOf, type PauseInfo, type Period } from "./period";

export type Show = "open" | "resolved" | "all";

export type LedgerQuery = { period: Period; reason: string | null; show: Show; pause: PauseInfo };

type Params = URLSearchParams | Record<string, string | string[] | undefined>;

const one = (params: Params, key: string, max = 64): string | undefined => {
  const v = params instanceof URLSearchParams ? params.get(key) : params[key];
  return typeof v === "string" && v.length <= max ? v : undefined;
};

/**
 * A reason is filtered by exactly as stored: the guard's codes (`account_paused`), bounce types
 * (`bounce:NoEmail`) and SES's own words for what it refused (`MessageRejected: Email address is
 * not verified…`, up to about 330 characters; lib/mail/transport.ts).
 */
const MAX_REASON = 600;
const reasonOf = (raw: string | undefined) => (raw && !/\p{Cc}/u.test(raw) ? raw : null);

/** The period, reason and what to show, from a URL; anything unreadable is the default. */
export async function ledgerQuery(params: Params): Promise<LedgerQuery> {
  const pause = await latestPause();
  const show = one(params, "show");
  const reason = reasonOf(one(params, "reason", MAX_REASON));
  return {
    period: periodOf(one(params, "period"), pause),
    reason,
    show: show === "resolved" || show === "all" ? show : "open",
    pause,
  };
}

export const filterOf = (q: LedgerQuery): LedgerFilter => ({
  since: q.period.since,
  reason: q.reason,
  state: q.show,
});

/** The query as a URL's search part, for links that keep the filters. */
export function searchOf(q: LedgerQuery): string {
  const p = new URLSearchParams();
  p.set("period", q.period.choice);
  if (q.reason) p.set("reason", q.reason);
  if (q.show !== "open") p.set("show", q.show);
  return `?${p.toString()}`;
}

export type LedgerLine = {
  mailId: number;
  memberId: string;
  loginId: string;
  name: string;
  address: string | null;
  currentEmail: string | null;
  subject: string | null;
  stateText: string;
  reasonText: string | null;
  attempts: number;
  first: string;
  last: string;
  memberStatus: string;
  resolved: string | null;
  todo: string;
};

export type LedgerPage = {
  counts: LedgerCounts;
  reasons: { reason: string; text: string; n: number }[];
  timeZone: string;
  cases: {
    unsentCase: UnsentCase;
    title: string;
    meaning: string;
    remedy: string;
    lines: LedgerLine[];
    total: number;
  }[];
};

/** Rows shown per case on the page; the download has all of them. */
export const PAGE_ROWS = 100;

const wallClock = (d: Date) => d.toISOString().slice(0, 16).replace("T", " ");

/** One tenant's ledger page: counts per case, the reasons to filter by, the first rows of each case. */
export async function ledgerPage(tenantId: string, q: LedgerQuery): Promise<LedgerPage> {
  const timeZone = await tenantTimeZone(tenantId);
  const filter = filterOf(q);
  // One statement: the counts, the reasons to filter by and the first rows of every case.
  const { counts, reasons, rows } = await ledgerPageRows(
    { tenantId },
    { since: filter.since, reason: filter.reason, state: filter.state },
    { perCase: PAGE_ROWS, timeZone },
  );
  return {
    counts,
    timeZone,
    reasons: reasons.map((r) => ({ ...r, text: reasonText(r.reason) ?? r.reason })),
    cases: UNSENT_CASES.map((c) => ({
      unsentCase: c,
      ...CASE_TEXT[c],
      total:
        q.show === "open"
          ? counts[c].open
          : q.show === "resolved"
            ? counts[c].resolved
            : counts[c].open + counts[c].resolved,
      lines: rows
        .filter((r) => r.unsentCase === c)
        .map((r) => ({
          mailId: r.mailId,
          memberId: r.memberId,
          loginId: r.loginId,
          name: r.name,
          address: r.address,
          currentEmail: r.currentEmail,
          subject: r.subject,
          stateText: STATUS_LABEL[r.status],
          reasonText: reasonText(r.reason),
          attempts: r.attempts,
          first: wallClock(r.firstLocal),
          last: wallClock(r.lastLocal),
          memberStatus: MEMBER_STATUS_TEXT[r.memberStatus],
          resolved: r.resolvedBy ? RESOLUTION_TEXT[r.resolvedBy] : null,
          todo: whatToDo(r),
        })),
    })),
  };
}
