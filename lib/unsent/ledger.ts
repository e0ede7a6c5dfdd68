/**
 * The unsent ledger in SQL: every member's mail that is blocked, held, failed, bounced, complained
 * or expired, one row per member and kind of mail (per message for notices), in its case, with
 * whether the member has been reached since. Tenant-scoped; operators read all tenants at once.
 */
import { sql, type SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import { db, rawSql, type Executor } from "@/db/client";
import type { MailStatus } from "@/db/schema/mail";
import { listValues } from "@/db/in-list";
import {
  UNSENT_CASES,
  UNSENT_CATEGORIES,
  UNSENT_STATUSES,
  type Resolution,
  type UnsentCase,
} from "./cases";

export type LedgerScope = { tenantId: string } | { allTenants: true };

export type LedgerFilter = {
  /** Mail last tried at or after this. */
  since?: Date | null;
  /** The newest mail's reason, exactly as stored (`account_paused`, `bounce:NoEmail`…). */
  reason?: string | null;
  case?: UnsentCase | null;
  /** Open rows still need someone; resolved ones were reached or handled since. Default: all. */
  state?: "open" | "resolved" | "all";
  /** Only the rows whose newest mail is one of these (what a remedy was asked for). */
  mailIds?: readonly number[];
};

export type LedgerRow = {
  tenantId: string;
  tenantSlug: string;
  /** The newest unsent mail of the row: the row's id on the page and in remedies. */
  mailId: number;
  memberId: string;
  loginId: string;
  name: string;
  /** Where the newest mail was going. */
  address: string | null;
  /** The member's address now (it may have been fixed since). */
  currentEmail: string | null;
  memberStatus: "invited" | "active" | "disabled";
  unsentCase: UnsentCase;
  category: (typeof UNSENT_CATEGORIES)[number];
  /** The message a notice was about (its id), empty otherwise. */
  subjectKey: string;
  subject: string | null;
  status: MailStatus;
  reason: string | null;
  /** How many of this member's mails of this kind did not get through. */
  attempts: number;
  firstAt: Date;
  lastAt: Date;
  /** First and last attempt as wall-clock time in the time zone asked for, as a UTC Date (for Excel). */
  firstLocal: Date;
  lastLocal: Date;
  resolvedBy: Resolution | null;
};

/** Valid IANA zone names only ever reach the SQL: PostgreSQL refuses an unknown one. */
export function safeTimeZone(zone: string | null | undefined): string {
  if (!zone) return "UTC";
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return zone;
  } catch {
    return "UTC";
  }
}

const local = (column: SQL, zone: string) =>
  sql`to_char(${column} at time zone ${zone}, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** The ledger's rows as one SELECT (every column of LedgerRow, times as text). */
export function ledgerSelect(
  scope: LedgerScope,
  filter: LedgerFilter = {},
  timeZone = "UTC",
  options: { totals?: boolean } = {},
): SQL {
  const zone = safeTimeZone(timeZone);
  const tenantWhere =
    "tenantId" in scope ? sql`o.tenant_id = ${scope.tenantId}` : sql`o.tenant_id is not null`;
  const state = filter.state ?? "all";
  return sql`
    with problem as materialized (
      select o.id, o.tenant_id, o.member_id, o.category, o.created_at, o.updated_at,
             case when o.category = 'message_notice' then coalesce(o.params->>'messageId', '') else '' end as subject_key
        from outbound_emails o
       where ${tenantWhere}
         and o.status in (${listValues(UNSENT_STATUSES, "mail_status")})
         and o.category::text in (${listValues(UNSENT_CATEGORIES, "text")})
         and o.member_id is not null
         ${filter.since ? sql`and o.updated_at >= ${filter.since.toISOString()}::timestamptz` : sql``}
         ${filter.reason ? sql`and o.reason = ${filter.reason}` : sql``}
    ), grouped as (
      select tenant_id, member_id, category, subject_key, max(id) as mail_id, count(*)::int as attempts,
             min(created_at) as first_at, max(updated_at) as last_at
        from problem
       group by tenant_id, member_id, category, subject_key
    -- Materialised: each row's resolution is worked out once, however often it is read below.
    ), rows as materialized (
      select g.tenant_id, g.member_id, g.category, g.subject_key, g.mail_id, g.attempts, g.first_at, g.last_at,
             o.status, o.reason, o.to_address, o.params->>'subject' as subject,
             u.login_id, u.name, u.email as current_email, u.status as member_status,
             case when g.category = 'invitation'
                  then case when u.password_hash is null then 'invitation_new' else 'invitation_active' end
                  else g.category::text end as unsent_case,
             case
               when h.kind is not null then h.kind
               when exists (
                      select 1 from outbound_emails l
                       where l.member_id = g.member_id and l.tenant_id = g.tenant_id and l.category = g.category
                         and l.id > g.mail_id and l.status in ('queued', 'sending')
                         and (g.category <> 'message_notice' or l.params->>'messageId' = g.subject_key)
                     ) then 'on_its_way'
               when g.category = 'message_notice' and exists (
                      select 1 from message_recipients r
                       where r.message_id = case when g.subject_key ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
                                                 then g.subject_key::uuid end
                         and r.member_id = g.member_id and r.read_at is not null) then 'read'
               when g.category = 'invitation' and u.password_hash is null and exists (
                      select 1 from outbound_emails l
                       where l.member_id = g.member_id and l.tenant_id = g.tenant_id and l.category = 'invitation'
                         and l.id > g.mail_id and l.status in ('sent', 'delivered')) then 'delivered_later'
               when g.category = 'message_notice' and exists (
                      select 1 from outbound_emails l
                       where l.member_id = g.member_id and l.tenant_id = g.tenant_id and l.category = 'message_notice'
                         and l.id > g.mail_id and l.status in ('sent', 'delivered')
                         and l.params->>'messageId' = g.subject_key) then 'delivered_later'
               when g.category = 'password_reset' and exists (
                      select 1 from member_tokens t
                       where t.user_id = g.member_id and t.tenant_id = g.tenant_id and t.kind = 'password_reset'
                         and t.used_at > g.first_at) then 'reset_used'
               when g.category in ('password_reset', 'login_code') and u.last_login_at > g.first_at then 'signed_in'
               when g.category in ('password_reset', 'login_code') and exists (
                      select 1 from outbound_emails l
                       where l.member_id = g.member_id and l.tenant_id = g.tenant_id and l.category = g.category
                         and l.id > g.mail_id and l.status in ('sent', 'delivered')) then 'delivered_later'
             end as resolved_by
        from grouped g
        join outbound_emails o on o.id = g.mail_id
        join users u on u.id = g.member_id and u.tenant_id = g.tenant_id
        left join lateral (
          select h.kind from unsent_handlings h
           where h.tenant_id = g.tenant_id and h.member_id = g.member_id and h.category = g.category
             and h.subject_key = g.subject_key and h.up_to_mail_id >= g.mail_id
           order by h.id desc limit 1
        ) h on true
    )
    select r.tenant_id as "tenantId", t.slug as "tenantSlug", r.mail_id as "mailId", r.member_id as "memberId",
           r.login_id as "loginId", r.name, r.to_address as address, r.current_email as "currentEmail",
           r.member_status as "memberStatus", r.unsent_case as "unsentCase", r.category, r.subject_key as "subjectKey",
           r.subject, r.status, r.reason, r.attempts, r.first_at as "firstAt", r.last_at as "lastAt",
           ${local(sql`r.first_at`, zone)} as "firstLocal", ${local(sql`r.last_at`, zone)} as "lastLocal",
           r.resolved_by as "resolvedBy"
           ${options.totals ? totalsColumns : sql``}
      from rows r
      join tenants t on t.id = r.tenant_id
     where true
       ${filter.case ? sql`and r.unsent_case = ${filter.case}` : sql``}
       ${state === "open" ? sql`and r.resolved_by is null` : state === "resolved" ? sql`and r.resolved_by is not null` : sql``}
       ${filter.mailIds ? sql`and r.mail_id in (${listValues(filter.mailIds, "bigint")})` : sql``}
     order by array_position(${sql.param([...UNSENT_CASES])}::text[], r.unsent_case),
              t.slug, r.resolved_by nulls first, r.last_at desc, r.mail_id desc`;
}

/** Every row also carries the counts per case of all the rows, so one pass yields both. */
const totalsColumns = sql.raw(
  UNSENT_CASES.flatMap((c) => [
    `, count(*) filter (where r.unsent_case = '${c}' and r.resolved_by is null) over () as "open:${c}"`,
    `, count(*) filter (where r.unsent_case = '${c}' and r.resolved_by is not null) over () as "resolved:${c}"`,
  ]).join(""),
);

function totalsOf(raw: Record<string, unknown>): LedgerCounts {
  const counts = emptyCounts();
  for (const c of UNSENT_CASES) {
    counts[c] = { open: Number(raw[`open:${c}`]), resolved: Number(raw[`resolved:${c}`]) };
    counts.total.open += counts[c].open;
    counts.total.resolved += counts[c].resolved;
  }
  return counts;
}

type RawRow = Omit<LedgerRow, "mailId" | "firstAt" | "lastAt" | "firstLocal" | "lastLocal"> & {
  mailId: string | number;
  firstAt: string | Date;
  lastAt: string | Date;
  firstLocal: string;
  lastLocal: string;
};

function toRow(raw: RawRow): LedgerRow {
  const r = Object.fromEntries(
    Object.entries(raw).filter(([k]) => !k.includes(":")),
  ) as unknown as RawRow;
  return {
    ...r,
    mailId: Number(r.mailId),
    attempts: Number(r.attempts),
    firstAt: new Date(r.firstAt),
    lastAt: new Date(r.lastAt),
    firstLocal: new Date(r.firstLocal),
    lastLocal: new Date(r.lastLocal),
  };
}

/** One page of the ledger. */
export async function ledgerRows(
  scope: LedgerScope,
  filter: LedgerFilter = {},
  options: { limit?: number; offset?: number; timeZone?: string; executor?: Executor } = {},
): Promise<LedgerRow[]> {
  const rows = await (options.executor ?? db).execute<RawRow>(
    sql`${ledgerSelect(scope, filter, options.timeZone)} limit ${options.limit ?? 200} offset ${options.offset ?? 0}`,
  );
  return rows.map(toRow);
}

const dialect = new PgDialect();

/**
 * Every row of the ledger in its order, read with a cursor a thousand at a time: the download
 * streams rows as the database gives them, never the whole ledger in memory.
 */
export async function* ledgerCursor(
  scope: LedgerScope,
  filter: LedgerFilter = {},
  timeZone = "UTC",
  /** Called once, before the first row, with the counts per case of all the rows. */
  onTotals?: (counts: LedgerCounts) => void,
): AsyncGenerator<LedgerRow> {
  const query = dialect.sqlToQuery(ledgerSelect(scope, filter, timeZone, { totals: !!onTotals }));
  const cursor = rawSql()
    .unsafe<RawRow[]>(query.sql, query.params as never[])
    .cursor(1_000);
  let first = true;
  for await (const batch of cursor) {
    for (const row of batch) {
      if (first && onTotals) onTotals(totalsOf(row as unknown as Record<string, unknown>));
      first = false;
      yield toRow(row);
    }
  }
  if (first && onTotals) onTotals(emptyCounts());
}

export type CaseCount = { open: number; resolved: number };
export type LedgerCounts = Record<UnsentCase, CaseCount> & { total: CaseCount };

/** Open and resolved rows per case (and per tenant for operators). */
export async function ledgerCounts(
  scope: LedgerScope,
  filter: Omit<LedgerFilter, "case" | "state" | "mailIds"> = {},
): Promise<LedgerCounts> {
  const byTenant = await ledgerCountsByTenant(scope, filter);
  return byTenant.get("tenantId" in scope ? scope.tenantId : "*") ?? emptyCounts();
}

export function emptyCounts(): LedgerCounts {
  const counts = { total: { open: 0, resolved: 0 } } as LedgerCounts;
  for (const c of UNSENT_CASES) counts[c] = { open: 0, resolved: 0 };
  return counts;
}

/** Counts per tenant (and "*" for all of them together). */
export async function ledgerCountsByTenant(
  scope: LedgerScope,
  filter: Omit<LedgerFilter, "case" | "state" | "mailIds"> = {},
): Promise<Map<string, LedgerCounts>> {
  const rows = await db.execute<{
    tenantId: string;
    c: UnsentCase;
    open: number;
    resolved: number;
  }>(sql`
    select l."tenantId", l."unsentCase" as c,
           count(*) filter (where l."resolvedBy" is null)::int as open,
           count(*) filter (where l."resolvedBy" is not null)::int as resolved
      from (${ledgerSelect(scope, filter)}) l
     group by 1, 2`);
  const out = new Map<string, LedgerCounts>();
  const add = (key: string, c: UnsentCase, open: number, resolved: number) => {
    const counts = out.get(key) ?? emptyCounts();
    counts[c].open += open;
    counts[c].resolved += resolved;
    counts.total.open += open;
    counts.total.resolved += resolved;
    out.set(key, counts);
  };
  for (const r of rows) {
    add(r.tenantId, r.c, Number(r.open), Number(r.resolved));
    add("*", r.c, Number(r.open), Number(r.resolved));
  }
  return out;
}

/** The reasons in the ledger with how many rows' newest mail has each (the reason filter's choices). */
export async function ledgerReasons(
  scope: LedgerScope,
  filter: Pick<LedgerFilter, "since"> = {},
): Promise<{ reason: string; n: number }[]> {
  const rows = await db.execute<{ reason: string; n: number }>(sql`
    select l.reason, count(*)::int as n from (${ledgerSelect(scope, filter)}) l
     where l.reason is not null group by 1 order by 2 desc, 1`);
  return rows.map((r) => ({ reason: r.reason, n: Number(r.n) }));
}
