import { sql, type SQL, type SQLWrapper } from "drizzle-orm";

export type ListType =
  "uuid" | "text" | "bigint" | "int" | "mail_status" | "member_token_kind" | "user_status";

/**
 * A list of values as one parameter: its JSON text. The one idiom for "in a list", in drizzle's
 * `sql` (inList, listValues) and in postgres.js templates alike:
 *   `x in (select json_array_elements_text(${jsonList(values)}::text::json))`
 * Why JSON: one parameter however long the list (drizzle's `inArray` binds one per value, and
 * PostgreSQL takes at most 65,535, which a bulk registration passes); JSON.stringify is about three
 * times faster than postgres.js's array serialiser at 100,000 values; and `in (select …)` is planned
 * as a hashed semi-join even under a generic prepared plan, where `= any($1)` is tested value by value.
 */
export const jsonList = (values: readonly unknown[]) => JSON.stringify(values);

/** The values as rows of one column: `in (…)`, `insert … select`, a join. */
export function listValues(values: readonly unknown[], type: ListType): SQL {
  return sql`select json_array_elements_text(${jsonList(values)}::text::json)::${sql.raw(type)}`;
}

/** `column in (the values)`, as a drizzle condition. */
export function inList(column: SQLWrapper, values: readonly unknown[], type: ListType): SQL {
  return sql`${column} in (${listValues(values, type)})`;
}
