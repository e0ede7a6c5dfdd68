import { z } from "zod";
import { stripControlCharacters } from "@/lib/input/control";
import type { EmailStatus } from "@/db/schema/users";

/** The member table's state, as it lives in the URL: every link and reload shows the same view. */
export const SORTABLE = [
  "loginId",
  "name",
  "email",
  "status",
  "emailStatus",
  "lastLoginAt",
  "createdAt",
] as const;
export type SortColumn = (typeof SORTABLE)[number];
export const PAGE_SIZES = [25, 50, 100] as const;
// Spelled out (not imported from the schema) so the client bundle stays free of drizzle.
export const EMAIL_STATUSES = [
  "none",
  "unchecked",
  "ok",
  "invalid",
  "bounced",
  "complained",
  "suppressed",
] as const satisfies readonly EmailStatus[];

const one = (v: unknown) => (Array.isArray(v) ? v[0] : v);
const optionalEnum = <T extends readonly [string, ...string[]]>(values: T) =>
  z.preprocess(
    (v) => (one(v) === "" ? undefined : one(v)),
    z.enum(values).optional().catch(undefined),
  );

export const memberQuerySchema = z.object({
  page: z.preprocess(one, z.coerce.number().int().min(1).max(100_000).catch(1)).default(1),
  size: z
    .preprocess(
      one,
      z.coerce
        .number()
        .refine((n) => (PAGE_SIZES as readonly number[]).includes(n))
        .catch(25),
    )
    .default(25),
  sort: optionalEnum(SORTABLE),
  dir: z.preprocess(one, z.enum(["asc", "desc"]).catch("asc")).default("asc"),
  status: optionalEnum(["invited", "active", "disabled"] as const),
  email: optionalEnum(EMAIL_STATUSES),
  never: z.preprocess((v) => one(v) === "1", z.boolean()).default(false),
  q: z
    .preprocess(
      (v) =>
        typeof one(v) === "string"
          ? stripControlCharacters(one(v) as string)
              .trim()
              .slice(0, 100)
          : "",
      z.string(),
    )
    .default(""),
});

export type MemberQuery = z.infer<typeof memberQuerySchema>;

/** Bad or hand-edited parameters fall back to defaults: a URL never breaks the page. */
export function parseMemberQuery(
  params: Record<string, string | string[] | undefined>,
): MemberQuery {
  return memberQuerySchema.parse(params);
}

/** The URL for a query, with defaults left out so links stay short. */
export function memberQueryString(query: Partial<MemberQuery>): string {
  const p = new URLSearchParams();
  if (query.q) p.set("q", query.q);
  if (query.status) p.set("status", query.status);
  if (query.email) p.set("email", query.email);
  if (query.never) p.set("never", "1");
  if (query.sort) p.set("sort", query.sort);
  if (query.sort && query.dir === "desc") p.set("dir", "desc");
  if (query.size && query.size !== 25) p.set("size", String(query.size));
  if (query.page && query.page > 1) p.set("page", String(query.page));
  const s = p.toString();
  return s ? `?${s}` : "";
}

/** `%` and `_` typed into the search box are searched for, not treated as wildcards. */
export function likePattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * Whether pg_trgm surely finds a trigram in a search term: three ASCII letters or digits in a row.
 * Beyond ASCII, what counts as a letter depends on the database's locale (none do under "C").
 */
export function hasTrigram(q: string): boolean {
  return /[a-z0-9]{3}/i.test(q);
}
