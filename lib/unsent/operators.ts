/** For operators after an account-wide pause: every tenant's ledger counts, one query. */
import { and, asc, eq, isNull, ne, sql } from "drizzle-orm";
import { db, type Executor } from "@/db/client";
import { auditLog, tenants, users } from "@/db/schema";
import type { Actor } from "@/lib/auth/actor";
import { env } from "@/lib/env";
import { UserError } from "@/lib/errors";
import { postInTx } from "@/lib/messages/post";
import { CASE_TEXT, UNSENT_CASES } from "./cases";
import { emptyCounts, ledgerCountsByTenant, type LedgerCounts } from "./ledger";
import { utcStamp, type Period } from "./period";
import type { LedgerQuery } from "./view";

export type TenantLedger = { id: string; slug: string; name: string; counts: LedgerCounts };

/** Every tenant with its open and resolved rows per case for the period; most to do first. */
export async function tenantsLedger(query: LedgerQuery): Promise<{
  tenants: TenantLedger[];
  total: LedgerCounts;
}> {
  const [all, counts] = await Promise.all([
    db
      .select({ id: tenants.id, slug: tenants.slug, name: tenants.name })
      .from(tenants)
      .orderBy(asc(tenants.name)),
    ledgerCountsByTenant({ allTenants: true }, { since: query.period.since, reason: query.reason }),
  ]);
  const list = all
    .map((t) => ({ ...t, counts: counts.get(t.id) ?? emptyCounts() }))
    .sort((a, b) => b.counts.total.open - a.counts.total.open);
  return { tenants: list, total: counts.get("*") ?? emptyCounts() };
}

const NOTICE_ACTION = "unsent.admins_noticed";

/**
 * What telling the admins is done once for: the pause it follows, the date the period starts, or a
 * rolling period ("last 7 days", "at any time") on one UTC day.
 */
export function noticeKey(period: Period, now = new Date()): string {
  if (period.choice === "pause" && period.since) return `pause:${period.since.toISOString()}`;
  if (/^\d{4}-\d{2}-\d{2}$/.test(period.choice)) return `since:${period.choice}`;
  return `${period.choice}:${now.toISOString().slice(0, 10)}`;
}

export type NoticesSent = { tenantIds: Set<string>; first: Date; last: Date } | null;

/** The organisations whose admins were already told for this period, and when. */
export async function noticesSent(
  query: LedgerQuery,
  executor: Executor = db,
  now = new Date(),
): Promise<NoticesSent> {
  const rows = await executor
    .select({ at: auditLog.createdAt, detail: auditLog.detail })
    .from(auditLog)
    .where(
      and(
        isNull(auditLog.tenantId),
        eq(auditLog.action, NOTICE_ACTION),
        sql`${auditLog.detail}->>'key' = ${noticeKey(query.period, now)}`,
      ),
    )
    .orderBy(asc(auditLog.createdAt));
  if (rows.length === 0) return null;
  const told = rows.flatMap((r) => (r.detail.told as string[] | undefined) ?? []);
  return { tenantIds: new Set(told), first: rows[0]!.at, last: rows.at(-1)!.at };
}

/**
 * After an account-wide pause, the one click that replaces the manual Excel round: each tenant with
 * members still to reach gets an in-app message to its admins (never by mail: mail is what failed)
 * saying how many and linking to their list. Once per period: a tenant already told for it is not
 * told again (a second click tells only tenants that have members to reach since). One
 * transaction, under a lock per period; audited with the tenants told.
 */
export async function noticeTenantAdmins(
  operator: Actor,
  query: LedgerQuery,
  now = new Date(),
): Promise<{ tenants: number; admins: number; alreadyTold: { tenants: number; at: Date } | null }> {
  if (operator.role !== "operator")
    throw new UserError("forbidden", "Only operators tell every organisation.");
  const { tenants: all } = await tenantsLedger(query);
  const key = noticeKey(query.period, now);
  const base = env().PUBLIC_URL.replace(/\/$/, "");
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`${NOTICE_ACTION}:${key}`}))`);
    const sent = await noticesSent(query, tx, now);
    const open = all.filter((t) => t.counts.total.open > 0);
    const todo = open.filter((t) => !sent?.tenantIds.has(t.id));
    const alreadyTold = sent ? { tenants: open.length - todo.length, at: sent.last } : null;
    const told: string[] = [];
    let admins = 0;
    for (const t of todo) {
      const open = t.counts.total.open;
      const lines = UNSENT_CASES.filter((c) => t.counts[c].open > 0).map(
        (c) => `- ${CASE_TEXT[c].short}: ${t.counts[c].open.toLocaleString("en")}`,
      );
      const members = `${open.toLocaleString("en")} member${open === 1 ? "" : "s"}`;
      try {
        const posted = await tx.transaction((inner) =>
          postInTx(inner, {
            tenantId: t.id,
            authorId: operator.userId,
            kind: "message",
            subject: `${members} missed mail ${query.period.label}; see the list`,
            body: [
              `${members} of ${t.name} did not get a mail ${query.period.label}:`,
              lines.join("\n"),
              `The list says who, why and what to do, with one click for each: ${base}/t/${t.slug}/admin/unsent?period=${query.period.choice}`,
            ].join("\n\n"),
            noticeMode: "never",
            where: and(
              eq(users.tenantId, t.id),
              eq(users.role, "admin"),
              ne(users.status, "disabled"),
            )!,
          }),
        );
        told.push(t.id);
        admins += posted.recipients;
      } catch (error) {
        // A tenant without an enabled admin has nobody to tell here; the operators still see it.
        if (error instanceof UserError && error.message.startsWith("Nobody")) continue;
        throw error;
      }
    }
    if (told.length === 0) return { tenants: 0, admins: 0, alreadyTold };
    await tx.insert(auditLog).values({
      tenantId: null,
      actorId: operator.userId,
      action: NOTICE_ACTION,
      detail: { key, period: query.period.label, tenants: told.length, admins, told },
    });
    return { tenants: told.length, admins, alreadyTold };
  });
}

const plural = (n: number, one: string) => `${n.toLocaleString("en")} ${one}${n === 1 ? "" : "s"}`;

/** The operator's answer in words. */
export function noticeAnswer(answer: Awaited<ReturnType<typeof noticeTenantAdmins>>): string {
  const before = answer.alreadyTold?.tenants
    ? `${plural(answer.alreadyTold.tenants, "organisation")} had already been told for this period (last on ${utcStamp(answer.alreadyTold.at)}).`
    : "";
  if (answer.tenants)
    return [
      `Told ${plural(answer.admins, "admin")} of ${plural(answer.tenants, "organisation")}, in their message boxes, with a link to their list.`,
      before,
    ]
      .filter(Boolean)
      .join(" ");
  if (before) return `Nobody new to tell: ${before}`;
  return "Nobody to tell: no organisation has members still to reach in this period.";
}
