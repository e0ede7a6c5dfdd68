import { and, desc, eq, gte, lt, or, type SQL } from "drizzle-orm";
import { db } from "@/db/client";
import { auditLog, tenants, users } from "@/db/schema";
import { ACTION_LABELS, AUDIT_PERIODS, type AuditPeriod } from "./labels";

/**
 * Reading the audit log (every module that changes something writes its own entry): who did what
 * and when, newest first, a page at a time by keyset so page 100 costs what page 1 does.
 */

export const AUDIT_PAGE_SIZE = 50;

export type AuditFilter = {
  /** Operators: one tenant's entries (its id), or all. Tenant admins: always their own. */
  tenantId?: string;
  /** One action (a key of ACTION_LABELS), or all. */
  action?: string;
  period: AuditPeriod;
  /** The cursor of the last row of the previous page. */
  before?: string;
};

export type AuditRow = {
  id: number;
  at: Date;
  action: string;
  what: string;
  who: string;
  tenant: string | null;
  subjectId: string | null;
  detail: Record<string, unknown>;
};

export type AuditPage = { rows: AuditRow[]; next: string | null };

/** `<ISO time>~<id>`: what the keyset continues from. Anything else is read as the first page. */
export function encodeCursor(row: { at: Date; id: number }): string {
  return `${row.at.toISOString()}~${row.id}`;
}

export function decodeCursor(cursor: string | undefined): { at: Date; id: number } | null {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)~(\d{1,18})$/.exec(cursor ?? "");
  if (!m) return null;
  const at = new Date(m[1]!);
  const id = Number(m[2]);
  return Number.isNaN(at.getTime()) || !Number.isSafeInteger(id) ? null : { at, id };
}

/**
 * One page of entries. `scope` decides whose entries can be seen at all: a tenant admin's page
 * passes its own tenant and nothing in the filter can widen it.
 */
export async function auditEntries(
  scope: { kind: "operator" } | { kind: "tenant"; tenantId: string },
  filter: AuditFilter,
  now = new Date(),
): Promise<AuditPage> {
  const where: SQL[] = [];
  const tenantId = scope.kind === "tenant" ? scope.tenantId : filter.tenantId;
  if (tenantId) where.push(eq(auditLog.tenantId, tenantId));
  if (filter.action && filter.action in ACTION_LABELS)
    where.push(eq(auditLog.action, filter.action));
  const hours = AUDIT_PERIODS[filter.period].hours;
  if (hours !== null) where.push(gte(auditLog.createdAt, new Date(now.getTime() - hours * 3.6e6)));
  const cursor = decodeCursor(filter.before);
  if (cursor) {
    where.push(
      or(
        lt(auditLog.createdAt, cursor.at),
        and(eq(auditLog.createdAt, cursor.at), lt(auditLog.id, cursor.id)),
      )!,
    );
  }
  const rows = await db
    .select({
      id: auditLog.id,
      at: auditLog.createdAt,
      action: auditLog.action,
      subjectId: auditLog.subjectId,
      detail: auditLog.detail,
      actorName: users.name,
      actorLoginId: users.loginId,
      actorRole: users.role,
      tenant: tenants.name,
    })
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.actorId))
    .leftJoin(tenants, eq(tenants.id, auditLog.tenantId))
    .where(and(...where))
    .orderBy(desc(auditLog.createdAt), desc(auditLog.id))
    .limit(AUDIT_PAGE_SIZE + 1);
  const page = rows.slice(0, AUDIT_PAGE_SIZE).map((r) => ({
    id: r.id,
    at: r.at,
    action: r.action,
    what: ACTION_LABELS[r.action] ?? r.action,
    who: whoDid(r),
    tenant: r.tenant,
    subjectId: r.subjectId,
    detail: r.detail,
  }));
  const last = page.at(-1);
  return { rows: page, next: rows.length > AUDIT_PAGE_SIZE && last ? encodeCursor(last) : null };
}

function whoDid(r: {
  actorName: string | null;
  actorLoginId: string | null;
  actorRole: string | null;
}): string {
  if (r.actorLoginId === null) return "Sendwell itself, or a deleted account";
  const name = r.actorName ? `${r.actorName} (${r.actorLoginId})` : r.actorLoginId;
  return r.actorRole === "operator" ? `${name}, operator` : name;
}
