import { sql } from "drizzle-orm";
import { check, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";

export type TenantSettings = {
  /** Shown in mail and on the learner pages; defaults to the tenant's name. */
  displayName?: string;
  /** IANA time zone for the times in downloads (the unsent ledger's workbook); UTC when unset. */
  timeZone?: string;
  /** Every member signs in with a password and an e-mailed code (off by default). */
  loginCodes?: boolean;
  /** Set by an operator: the tenant's admins sign in with a code whatever the tenant chose. */
  loginCodesForAdmins?: boolean;
};

export const tenants = pgTable(
  "tenants",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    slug: text("slug").notNull(),
    name: text("name").notNull(),
    settings: jsonb("settings").$type<TenantSettings>().notNull().default({}),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("tenants_slug_key").on(t.slug),
    check("tenants_slug_format", sql`${t.slug} ~ '^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$'`),
  ],
);

export type Tenant = typeof tenants.$inferSelect;
export type NewTenant = typeof tenants.$inferInsert;
