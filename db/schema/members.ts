import { index, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { tenants } from "./tenants";
import { users } from "./users";

export const memberTokenKind = pgEnum("member_token_kind", [
  "invitation",
  "activation_code",
  "password_reset",
]);

/** Single-use secrets a member starts or recovers with; only their SHA-256 is stored. */
export const memberTokens = pgTable(
  "member_tokens",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    kind: memberTokenKind("kind").notNull(),
    tokenHash: text("token_hash").notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    usedAt: timestamp("used_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("member_tokens_hash_key").on(t.tokenHash),
    index("member_tokens_user_kind_idx").on(t.userId, t.kind),
  ],
);

export type MemberToken = typeof memberTokens.$inferSelect;
