/** For operators after an account-wide pause: every tenant's ledger counts, one query. */
import { and, asc, eq, ne } from "drizzle-orm";
import { db } from "@/db/client";
import { auditLog, tenants, users } from "@/db/schema";
import type { Actor } from "@/lib/auth/actor";
import { env } from "@/lib/env";
import { UserError } from "@/lib/errors";
import { postInTx } from "@/lib/messages/post";
import { CASE_TEXT, UNSENT_CASES } from "./cases";
import { emptyCounts, ledgerCountsByTenant, type LedgerCounts } from "./ledger";
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

/**
 * After an account-wide pause, the one click that replaces the manual Excel round: each tenant with
 * members still to reach gets an in-app message to its admins (never by mail: mail is what failed)
 * saying how many and linking to their list. One transaction; audited.
 */
export async function noticeTenantAdmins(
  operator: Actor,
  query: LedgerQuery,
): Promise<{ tenants: number; admins: number }> {
  if (operator.role !== "operator")
    throw new UserError("forbidden", "Only operators tell every organisation.");
  const { tenants: all } = await tenantsLedger(query);
  const todo = all.filter((t) => t.counts.total.open > 0);
  const base = env().PUBLIC_URL.replace(/\/$/, "");
  return db.transaction(async (tx) => {
    let told = 0;
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
        told += 1;
        admins += posted.recipients;
      } catch (error) {
        // A tenant without an enabled admin has nobody to tell here; the operators still see it.
        if (error instanceof UserError && error.message.startsWith("Nobody")) continue;
        throw error;
      }
    }
    await tx.insert(auditLog).values({
      tenantId: null,
      actorId: operator.userId,
      action: "unsent.admins_noticed",
      detail: { period: query.period.label, tenants: told, admins },
    });
    return { tenants: told, admins };
  });
}
