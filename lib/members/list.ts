import { and, asc, count, desc, eq, ilike, isNull, or, sql, type SQL } from "drizzle-orm";
import { db } from "@/db/client";
import { users, type EmailStatus } from "@/db/schema";
import { latestMailOf, type LatestMail } from "@/lib/mail/history";
import { storedAddressWarning, type StoredAddressWarning } from "./address-check";
import { hasTrigram, likePattern, type MemberQuery, type SortColumn } from "./list-query";

export type MemberRow = {
  id: string;
  loginId: string;
  name: string;
  email: string | null;
  role: "admin" | "learner";
  status: "invited" | "active" | "disabled";
  emailStatus: EmailStatus;
  lastLoginAt: string | null;
  createdAt: string;
  /** The member's latest mail, for its state in the table. */
  latestMail: LatestMail | null;
  /** A stored typo or a dead domain, marked in the table with its fix. */
  addressWarning: StoredAddressWarning | null;
};

const COLUMN = {
  loginId: sql`lower(${users.loginId})`,
  name: users.name,
  email: users.email,
  status: users.status,
  emailStatus: users.emailStatus,
  lastLoginAt: users.lastLoginAt,
  createdAt: users.createdAt,
} satisfies Record<SortColumn, unknown>;

/**
 * A row the search matches has the lower-cased term inside `search_text`: this narrows by an index
 * first. A term with three ASCII letters or digits in a row goes by the trigram index. Others
 * (佐藤, 鈴木 陽菜, "a.b") may have no trigram, and a trigram scan for none reads the whole index
 * (0.5 s at 100,000 members), so they go by the index of the characters in search_text, then a
 * byte-wise strpos. Different statements, so a cached generic plan of one never serves the other.
 */
function searchTextContains(q: string, pattern: string): SQL {
  if (hasTrigram(q)) return sql`${users.searchText} like lower(${pattern}::text)`;
  const term = sql`lower(${q}::text)`;
  return sql`(string_to_array(${users.searchText}, null) @> string_to_array(${term}, null)
    and strpos(${users.searchText}, ${term}) > 0)`;
}

/**
 * Which of a tenant's members the table's filters and search select: the page lists them, and a
 * message can go to all of them (lib/messages).
 */
export function memberFilter(
  tenantId: string,
  query: Pick<MemberQuery, "status" | "email" | "never" | "q">,
): SQL {
  const filters: (SQL | undefined)[] = [eq(users.tenantId, tenantId)];
  if (query.status) filters.push(eq(users.status, query.status));
  if (query.email) filters.push(eq(users.emailStatus, query.email));
  if (query.never) filters.push(isNull(users.lastLoginAt));
  if (query.q) {
    const pattern = likePattern(query.q);
    filters.push(
      searchTextContains(query.q, pattern),
      // The exact test. The narrowing above never drops a row this matches, and this keeps a term
      // that spans two fields of search_text from matching.
      or(ilike(users.loginId, pattern), ilike(users.name, pattern), ilike(users.email, pattern)),
    );
  }
  return and(...filters)!;
}

/** One page of a tenant's members, filtered, searched and sorted in the database. */
export async function listMembers(
  tenantId: string,
  query: MemberQuery,
): Promise<{ rows: MemberRow[]; total: number; page: number }> {
  const where = memberFilter(tenantId, query);
  const column = COLUMN[query.sort ?? "loginId"];
  const order = query.dir === "desc" ? desc(column) : asc(column);
  const page = (n: number) =>
    db
      .select({
        id: users.id,
        loginId: users.loginId,
        name: users.name,
        email: users.email,
        role: users.role,
        status: users.status,
        emailStatus: users.emailStatus,
        lastLoginAt: users.lastLoginAt,
        createdAt: users.createdAt,
      })
      .from(users)
      .where(where)
      .orderBy(order, asc(users.id))
      .limit(query.size)
      .offset((n - 1) * query.size);
  const [first, [counted]] = await Promise.all([
    page(query.page),
    db.select({ n: count() }).from(users).where(where),
  ]);
  const total = counted?.n ?? 0;
  // A page past the end (a bookmark, a hand-edited URL, members deleted since) shows the last one.
  const last = Math.max(1, Math.ceil(total / query.size));
  const shown = query.page > last ? last : query.page;
  const rows = shown === query.page ? first : await page(shown);
  const latest = await latestMailOf(
    tenantId,
    rows.map((r) => r.id),
  );
  return {
    total,
    page: shown,
    rows: rows.map((r) => ({
      ...r,
      latestMail: latest.get(r.id) ?? null,
      addressWarning: storedAddressWarning(r.email),
      role: r.role === "admin" ? "admin" : "learner",
      lastLoginAt: r.lastLoginAt?.toISOString() ?? null,
      createdAt: r.createdAt.toISOString(),
    })),
  };
}
