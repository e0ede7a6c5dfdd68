import { sql } from "drizzle-orm";
import {
  boolean,
  check,
  index,
  integer,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { tenants } from "./tenants";

export const userRole = pgEnum("user_role", ["operator", "admin", "learner"]);
export const userStatus = pgEnum("user_status", ["invited", "active", "disabled"]);
export const emailStatuses = [
  "none",
  "unchecked",
  "ok",
  "invalid",
  "bounced",
  "complained",
  "suppressed",
] as const;
export const emailStatus = pgEnum("email_status", emailStatuses);
export type EmailStatus = (typeof emailStatuses)[number];

export const users = pgTable(
  "users",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** Null for operators, who belong to no tenant. */
    tenantId: uuid("tenant_id").references(() => tenants.id, { onDelete: "cascade" }),
    role: userRole("role").notNull(),
    /** The identity: unique per tenant, compared case-insensitively. */
    loginId: text("login_id").notNull(),
    name: text("name").notNull().default(""),
    /** Optional: a member without an address starts with an activation code. */
    email: text("email"),
    /**
     * The address an admin confirmed exists ("This address exists"): a typo suggestion or a domain
     * our DNS did not find no longer stops mail to it. Only while it equals `email`: a changed
     * address is checked afresh.
     */
    confirmedAddress: text("confirmed_address"),
    /** What we know of the address: `none` without one; set by the checks and by SES feedback. */
    emailStatus: emailStatus("email_status").notNull().default("none"),
    status: userStatus("status").notNull().default("invited"),
    /** Null until the member activates and sets a password. */
    passwordHash: text("password_hash"),
    mustChangePassword: boolean("must_change_password").notNull().default(false),
    /** Bumped on disable and password change: every session that carries an older value ends. */
    sessionVersion: integer("session_version").notNull().default(1),
    lastLoginAt: timestamp("last_login_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    /**
     * What the member table's search looks in, lower-cased once on write: a byte-wise LIKE over it
     * is ~5x cheaper than three ILIKEs, and it carries the trigram index (lib/members/list.ts).
     */
    searchText: text("search_text")
      .notNull()
      .generatedAlwaysAs(sql`lower(login_id || ' ' || name || ' ' || coalesce(email, ''))`),
  },
  (t) => [
    // Operators have no tenant: coalesce makes their login IDs unique among themselves too.
    uniqueIndex("users_tenant_login_id_key").on(
      sql`coalesce(${t.tenantId}, '00000000-0000-0000-0000-000000000000'::uuid)`,
      sql`lower(${t.loginId})`,
    ),
    index("users_tenant_status_idx").on(t.tenantId, t.status),
    index("users_tenant_email_idx").on(t.tenantId, sql`lower(${t.email})`),
    // The member search (lib/members/list.ts): trigrams (pg_trgm, created by migration 0005) for
    // terms with three letters in a row, the set of characters for shorter ones such as 佐藤.
    index("users_search_text_trgm_idx").using("gin", t.searchText.op("gin_trgm_ops")),
    index("users_search_chars_idx").using("gin", sql`string_to_array(${t.searchText}, null)`),
    check("users_login_id_length", sql`char_length(${t.loginId}) between 5 and 30`),
    check("users_operator_has_no_tenant", sql`(${t.role} = 'operator') = (${t.tenantId} is null)`),
  ],
);

export type User = typeof users.$inferSelect;
export type NewUser = typeof users.$inferInsert;

/** One row per sign-in; the JWT carries its id so logout can end exactly that session. */
export const userSessions = pgTable(
  "user_sessions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
  },
  (t) => [index("user_sessions_user_idx").on(t.userId)],
);

export type UserSession = typeof userSessions.$inferSelect;
