/**
 * The unsent ledger in SQL: every member's mail that is blocked, held, failed, bounced, complained
 * or expired, one row per member and kind of mail (per message for notices), in its case, with
 * whether the member has been reached since. Tenant-scoped; operators read all tenants at once.
 */
import { sql, type SQL } from "drizzle-orm";
import type { MailStatus } from "@/db/schema/mail";
import { listValues } from "@/db/in-list";
import {
  UNSENT_CASES,
  UNSENT_CATEGORIES,
  UNSENT_STATUSES,
  type Resolution,
  type UnsentCase,
} from "../cases";

export type LedgerScope = { tenantId: string } | { allTenants: true };

export type LedgerFilter = {
  /** Mail last tried at or after this. */
  since?: Date | null;
  /** The newest mail's reason, exactly as stored (`account_paused`, `bounce:NoEmail`…). */
  reason?: string | null;
  case?: UnsentCase | null;
  /** Only these cases (the download's statements, each a part of the ledger); `case` is one. */
  cases?: readonly UnsentCase[];
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

/**
 * The categories a case is made of; the two invitation cases part on the member (whether they have
 * set a password), which narrows the unsent mail too when one of them is asked for.
 */
const CASE_CATEGORY: Record<UnsentCase, (typeof UNSENT_CATEGORIES)[number]> = {
  invitation_new: "invitation",
  invitation_active: "invitation",
  message_notice: "message_notice",
  password_reset: "password_reset",
  login_code: "login_code",
};

const UUID = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$";

/** The rows' order within one tenant's rows of one case. */
export const TENANT_ORDER = sql`l.resolved_by nulls first, l.last_at desc, l.mail_id desc`;

/** The rows' order within one case. */
export const CASE_ORDER = sql`l.tenant_slug, ${TENANT_ORDER}`;

/** The rows' order on the page, in the cursor and in the workbook. */
export const ORDER = sql`array_position(${sql.param([...UNSENT_CASES])}::text[], l.unsent_case),
              ${CASE_ORDER}`;

// The code's own constants, written into the SQL: tested in place per row, where a list parameter
// is planned as a hash join.
const literals = (values: readonly string[]) =>
  sql.raw(values.map((v) => `'${v.replace(/'/g, "''")}'`).join(", "));
const UNSENT_STATUS_LIST = literals(UNSENT_STATUSES);
const UNSENT_CATEGORY_LIST = literals(UNSENT_CATEGORIES);

/** The cases the filter keeps, or null for all of them. */
const casesOf = (filter: Pick<LedgerFilter, "case" | "cases">): readonly UnsentCase[] | null =>
  filter.cases ?? (filter.case ? [filter.case] : null);

/** `l.unsent_case` among `cases` (none: no row), or every case. */
const casesIn = (cases: readonly UnsentCase[] | null): SQL =>
  !cases
    ? sql``
    : cases.length === 0
      ? sql`and false`
      : sql`and l.unsent_case in (${literals(cases)})`;

/**
 * The unsent mail (`o`, to members `u`) of `cases` only: of their kinds of mail, and of invitations
 * only to the members of the one invitation case asked for (whether they have set a password) when
 * the other is not.
 */
function casesWhere(cases: readonly UnsentCase[] | null): SQL {
  if (!cases) return sql``;
  if (cases.length === 0) return sql`and false`;
  const categories = [...new Set(cases.map((c) => CASE_CATEGORY[c]))];
  const onlyNew = cases.includes("invitation_new") && !cases.includes("invitation_active");
  const onlyActive = cases.includes("invitation_active") && !cases.includes("invitation_new");
  if (!onlyNew && !onlyActive) return sql`and o.category in (${literals(categories)})`;
  const members = sql.raw(`u.password_hash is ${onlyNew ? "null" : "not null"}`);
  return categories.length === 1
    ? sql`and o.category = 'invitation' and ${members}`
    : sql`and o.category in (${literals(categories)}) and (o.category <> 'invitation' or ${members})`;
}

/** The unsent mail of the scope and period (`o`): what the ledger is made of. */
export function problemWhere(scope: LedgerScope, filter: Pick<LedgerFilter, "since">): SQL {
  return sql`${"tenantId" in scope ? sql`o.tenant_id = ${scope.tenantId}` : sql`o.tenant_id is not null`}
         and o.status in (${UNSENT_STATUS_LIST})
         and o.category in (${UNSENT_CATEGORY_LIST})
         and o.member_id is not null
         ${filter.since ? sql`and o.updated_at >= ${filter.since.toISOString()}::timestamptz` : sql``}`;
}

/**
 * The ledger as CTEs ending in `ledger`: one row per member and kind of mail (per message for
 * notices) with its case and why it is resolved, if it is. Set-based throughout: the unsent mail is
 * grouped once, and everything that can resolve a row (a later mail of the same kind on its way or
 * through, a handling, the message read, the reset used, a sign-in) is read in one pass each and
 * joined, never probed row by row. `wide` adds what the rows show (addresses, names, reasons).
 */
export function ledgerCtes(scope: LedgerScope, filter: LedgerFilter, wide: boolean): SQL {
  const tenantOf = (alias: string) =>
    "tenantId" in scope
      ? sql`${sql.raw(alias)}.tenant_id = ${scope.tenantId}`
      : sql`${sql.raw(alias)}.tenant_id is not null`;
  const messageId = (key: SQL) => sql`case when ${key} ~ ${UUID} then ${key}::uuid end`;
  // Rows to show take their newest mail's own columns (where it went, why it stopped) in the sort
  // that groups them, so the mail is not read a second time to find them (a quarter less work
  // for the ledger of 100,000 rows): one sort, which the window's frame (the whole group) keeps;
  // the counts need none of them and group by hash. The member's columns are the same in every
  // mail of a group.
  const grouped = wide
    ? sql`grouped as materialized (
      select distinct on (o.tenant_id, o.member_id, o.category, o.subject_key)
             o.tenant_id, o.member_id, o.category, o.subject_key, o.id as mail_id,
             (count(*) over w)::int as attempts, min(o.created_at) over w as first_at,
             max(o.updated_at) over w as last_at, ${messageId(sql`o.subject_key`)} as message_id,
             o.status, o.reason, o.to_address, o.subject, o.no_password, o.last_login_at,
             o.login_id, o.name, o.current_email, o.member_status
        from problem o
      window w as (partition by o.tenant_id, o.member_id, o.category, o.subject_key order by o.id desc
                   rows between unbounded preceding and unbounded following)
       order by o.tenant_id, o.member_id, o.category, o.subject_key, o.id desc`
    : sql`grouped as materialized (
      select tenant_id, member_id, category, subject_key, max(id) as mail_id, count(*)::int as attempts,
             min(created_at) as first_at, max(updated_at) as last_at,
             ${messageId(sql`subject_key`)} as message_id, no_password, last_login_at
        from problem
       group by tenant_id, member_id, category, subject_key, no_password, last_login_at`;
  // The members are read once, with their mail: what the rows show of them, and what parts the
  // invitation cases and resolves a row (a sign-in).
  return sql`
    problem as not materialized (
      select o.id, o.tenant_id, o.member_id, o.category, o.created_at, o.updated_at,
             case when o.category = 'message_notice' then coalesce(o.params->>'messageId', '') else '' end as subject_key,
             u.password_hash is null as no_password, u.last_login_at
             ${wide ? sql`, o.status, o.reason, o.to_address, o.params->>'subject' as subject, u.login_id, u.name, u.email as current_email, u.status as member_status` : sql``}
        from outbound_emails o
        join users u on u.id = o.member_id and u.tenant_id = o.tenant_id
       where ${problemWhere(scope, filter)}
         ${casesWhere(casesOf(filter))}
         ${filter.reason ? sql`and o.reason = ${filter.reason}` : sql``}
    ), ${grouped}
    -- Later mail of the same kind to the same members: the newest on its way and the newest that got
    -- through (a row is resolved by one newer than its own newest unsent mail).
    ), later as (
      select l.tenant_id, l.member_id, l.category,
             case when l.category = 'message_notice' then l.params->>'messageId' else '' end as subject_key,
             max(l.id) filter (where l.status in ('queued', 'sending')) as pending_id,
             max(l.id) filter (where l.status in ('sent', 'delivered')) as reached_id
        from outbound_emails l
       where ${tenantOf("l")}
         and l.status in ('queued', 'sending', 'sent', 'delivered')
         and l.category in (${UNSENT_CATEGORY_LIST})
         and l.member_id in (select member_id from grouped)
       group by 1, 2, 3, 4
    -- Each row's handlings, newest first (few: one per click), joined by hash; the row is handled
    -- by the newest one that covers its newest unsent mail.
    ), handled as (
      select h.tenant_id, h.member_id, h.category, h.subject_key,
             array_agg(h.up_to_mail_id order by h.id desc) as up_to, array_agg(h.kind order by h.id desc) as kinds
        from unsent_handlings h
       where ${tenantOf("h")}
       group by 1, 2, 3, 4
    ), resets_used as (
      select t.tenant_id, t.user_id, max(t.used_at) as used_at
        from member_tokens t
       where ${tenantOf("t")} and t.kind = 'password_reset' and t.used_at is not null
         and t.user_id in (select member_id from grouped where category = 'password_reset')
       group by 1, 2
    ), ledger as (
      select g.tenant_id, t.slug as tenant_slug, g.member_id, g.category, g.subject_key, g.mail_id,
             g.attempts, g.first_at, g.last_at,
             ${wide ? sql`g.status, g.reason, g.to_address, g.subject, g.login_id, g.name, g.current_email, g.member_status,` : sql``}
             case when g.category = 'invitation'
                  then case when g.no_password then 'invitation_new' else 'invitation_active' end
                  else g.category::text end as unsent_case,
             coalesce(
               case
                 when h.up_to[1] >= g.mail_id then h.kinds[1]
                 -- An older handling can cover more when a filter made the newer one cover less.
                 when cardinality(h.up_to) > 1
                   then (select x.kind from unnest(h.up_to, h.kinds) x(up_to, kind) where x.up_to >= g.mail_id limit 1)
               end,
               case
                 when later.pending_id > g.mail_id then 'on_its_way'
                 when r.read_at is not null then 'read'
                 when g.category = 'invitation' and g.no_password and later.reached_id > g.mail_id then 'delivered_later'
                 when g.category = 'message_notice' and later.reached_id > g.mail_id then 'delivered_later'
                 when g.category = 'password_reset' and ru.used_at > g.first_at then 'reset_used'
                 when g.category in ('password_reset', 'login_code') and g.last_login_at > g.first_at then 'signed_in'
                 when g.category in ('password_reset', 'login_code') and later.reached_id > g.mail_id then 'delivered_later'
               end) as resolved_by
        from grouped g
        join tenants t on t.id = g.tenant_id
        left join later
          on later.tenant_id = g.tenant_id and later.member_id = g.member_id
         and later.category = g.category and later.subject_key = g.subject_key
        left join handled h
          on h.tenant_id = g.tenant_id and h.member_id = g.member_id
         and h.category = g.category and h.subject_key = g.subject_key
        left join message_recipients r
          on g.category = 'message_notice' and r.message_id = g.message_id and r.member_id = g.member_id
         and r.read_at is not null
        left join resets_used ru
          on g.category = 'password_reset' and ru.tenant_id = g.tenant_id and ru.user_id = g.member_id
    )`;
}

/** Which rows of `ledger` the filter keeps beyond what `ledgerCtes` already narrowed. */
export function ledgerWhere(filter: LedgerFilter): SQL {
  const state = filter.state ?? "all";
  return sql`true
       ${casesIn(casesOf(filter))}
       ${state === "open" ? sql`and l.resolved_by is null` : state === "resolved" ? sql`and l.resolved_by is not null` : sql``}
       ${filter.mailIds ? sql`and l.mail_id in (${listValues(filter.mailIds, "bigint")})` : sql``}`;
}

/** Every column of LedgerRow from `ledger l` (times as text). */
export const rowColumns = (zone: string) => sql`
  l.tenant_id as "tenantId", l.tenant_slug as "tenantSlug", l.mail_id as "mailId", l.member_id as "memberId",
  l.login_id as "loginId", l.name, l.to_address as address, l.current_email as "currentEmail",
  l.member_status as "memberStatus", l.unsent_case as "unsentCase", l.category, l.subject_key as "subjectKey",
  l.subject, l.status, l.reason, l.attempts, l.first_at as "firstAt", l.last_at as "lastAt",
  ${local(sql`l.first_at`, zone)} as "firstLocal", ${local(sql`l.last_at`, zone)} as "lastLocal",
  l.resolved_by as "resolvedBy"`;

/**
 * Wall-clock time in `zone` as milliseconds since 1970 read as UTC (what `new Date` makes of `local`'s
 * text): cut to the millisecond as `to_char`'s MS is, so the two agree to the millisecond. In
 * float8 throughout (`date_part`, not `extract`, which works in numeric since PostgreSQL 14): a
 * tenth less of the ledger's statement for four cases (1.06 s against 0.97 s, 68,000 rows), the
 * same millisecond for 200,000 random times.
 */
export const localMs = (column: SQL, zone: string) =>
  sql`round(date_part('epoch', date_trunc('milliseconds', ${column} at time zone ${zone})) * 1000)`;

/** What the workbook shows of a ledger row: no ids, and the times as numbers (no Date to make). */
export type ExportRow = Pick<
  LedgerRow,
  | "loginId"
  | "name"
  | "address"
  | "memberStatus"
  | "unsentCase"
  | "status"
  | "reason"
  | "attempts"
  | "resolvedBy"
> & {
  /** The all-tenants workbook's only (a tenant's own has it in its name). */
  tenantSlug?: string;
  /** First and last attempt as wall-clock time in the zone asked for, in ms as if UTC (`firstLocal`). */
  firstLocalMs: number;
  lastLocalMs: number;
};

/** The ledger's rows as one SELECT (every column of LedgerRow, times as text), in the ledger's order. */
export function ledgerSelect(scope: LedgerScope, filter: LedgerFilter = {}, timeZone = "UTC"): SQL {
  return sql`
    with ${ledgerCtes(scope, filter, true)}
    select ${rowColumns(safeTimeZone(timeZone))}
      from ledger l
     where ${ledgerWhere(filter)}
     order by ${ORDER}`;
}

export type RawRow = Omit<
  LedgerRow,
  "mailId" | "firstAt" | "lastAt" | "firstLocal" | "lastLocal"
> & {
  mailId: string | number;
  firstAt: string | Date;
  lastAt: string | Date;
  firstLocal: string;
  lastLocal: string;
};

export function toRow(r: RawRow): LedgerRow {
  return {
    tenantId: r.tenantId,
    tenantSlug: r.tenantSlug,
    mailId: Number(r.mailId),
    memberId: r.memberId,
    loginId: r.loginId,
    name: r.name,
    address: r.address,
    currentEmail: r.currentEmail,
    memberStatus: r.memberStatus,
    unsentCase: r.unsentCase,
    category: r.category,
    subjectKey: r.subjectKey,
    subject: r.subject,
    status: r.status,
    reason: r.reason,
    attempts: Number(r.attempts),
    firstAt: new Date(r.firstAt),
    lastAt: new Date(r.lastAt),
    firstLocal: new Date(r.firstLocal),
    lastLocal: new Date(r.lastLocal),
    resolvedBy: r.resolvedBy,
  };
}
