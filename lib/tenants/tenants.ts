import { asc, count, eq, sql } from "drizzle-orm";
import { cache } from "react";
import { db } from "@/db/client";
import { tenants, users } from "@/db/schema";
import { TENANT_SLUG_PATTERN } from "@/lib/auth/login-id";

export type TenantRef = { id: string; slug: string; name: string };

/** The tenant a URL names, or null; garbage slugs never reach the database. */
export const findTenantBySlug = cache(async (slug: string): Promise<TenantRef | null> => {
  if (!TENANT_SLUG_PATTERN.test(slug)) return null;
  const [row] = await db
    .select({ id: tenants.id, slug: tenants.slug, name: tenants.name })
    .from(tenants)
    .where(eq(tenants.slug, slug))
    .limit(1);
  return row ?? null;
});

export type MemberCounts = { invited: number; active: number; disabled: number; total: number };

const emptyCounts = (): MemberCounts => ({ invited: 0, active: 0, disabled: 0, total: 0 });

/** Members of one tenant by status; admins count as members, operators belong to no tenant. */
export async function memberCounts(tenantId: string): Promise<MemberCounts> {
  const rows = await db
    .select({ status: users.status, n: count() })
    .from(users)
    .where(eq(users.tenantId, tenantId))
    .groupBy(users.status);
  const counts = emptyCounts();
  for (const row of rows) {
    counts[row.status] = row.n;
    counts.total += row.n;
  }
  return counts;
}

export type TenantOverview = TenantRef & { members: MemberCounts; admins: number };

/** For operators: every tenant with its member counts, in one query. */
export async function listTenantsWithCounts(): Promise<TenantOverview[]> {
  const rows = await db
    .select({
      id: tenants.id,
      slug: tenants.slug,
      name: tenants.name,
      invited: sql<number>`count(${users.id}) filter (where ${users.status} = 'invited')`.mapWith(
        Number,
      ),
      active: sql<number>`count(${users.id}) filter (where ${users.status} = 'active')`.mapWith(
        Number,
      ),
      disabled: sql<number>`count(${users.id}) filter (where ${users.status} = 'disabled')`.mapWith(
        Number,
      ),
      admins: sql<number>`count(${users.id}) filter (where ${users.role} = 'admin')`.mapWith(
        Number,
      ),
    })
    .from(tenants)
    .leftJoin(users, eq(users.tenantId, tenants.id))
    .groupBy(tenants.id)
    .orderBy(asc(tenants.name));
  return rows.map(({ invited, active, disabled, admins, ...tenant }) => ({
    ...tenant,
    admins,
    members: { invited, active, disabled, total: invited + active + disabled },
  }));
}
