import { sql } from "drizzle-orm";
import {
  check,
  customType,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uuid,
} from "drizzle-orm/pg-core";
import { tenants } from "./tenants";
import { users } from "./users";

const bytea = customType<{ data: Buffer; driverData: Buffer }>({
  dataType: () => "bytea",
});

/**
 * A bulk registration between upload and commit. `rows` holds the file's rows and their checked
 * outcome (gzipped JSON): the preview pages through it, fixes rewrite it, the commit reads it.
 * `status` moves previewed -> committed exactly once (the commit locks the row), which is what
 * makes a second commit do nothing.
 */
export const memberImports = pgTable(
  "member_imports",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    fileName: text("file_name").notNull(),
    /** SHA-256 of the uploaded bytes: the same file uploaded again is recognised. */
    fileHash: text("file_hash").notNull(),
    format: text("format").notNull(),
    mode: text("mode").notNull(),
    status: text("status").notNull().default("previewed"),
    rowCount: integer("row_count").notNull(),
    /** ImportSummary of the current rows. */
    summary: jsonb("summary").notNull(),
    rows: bytea("rows").notNull(),
    /** What the commit did (counts, the invitation batch). */
    result: jsonb("result"),
    committedAt: timestamp("committed_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("member_imports_tenant_created_idx").on(t.tenantId, t.createdAt),
    check("member_imports_mode", sql`${t.mode} in ('create_only', 'create_and_update')`),
    check("member_imports_status", sql`${t.status} in ('previewed', 'committed', 'discarded')`),
  ],
);

export type MemberImport = typeof memberImports.$inferSelect;
