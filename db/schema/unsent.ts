import { bigint, bigserial, index, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { mailCategory } from "./mail";
import { tenants } from "./tenants";
import { users } from "./users";

/**
 * What an admin did about a member's mail that did not get through (lib/unsent/ writes it): a
 * ledger row is handled while its newest unsent mail is at most `upToMailId`, so a later failure of
 * the same kind shows again.
 */
export const unsentHandlings = pgTable(
  "unsent_handlings",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    memberId: uuid("member_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    category: mailCategory("category").notNull(),
    /** The message a notice was about; empty for the other kinds. */
    subjectKey: text("subject_key").notNull().default(""),
    upToMailId: bigint("up_to_mail_id", { mode: "number" }).notNull(),
    /** handled | told_another_way | activation_code | temporary_password | bypass_code */
    kind: text("kind").notNull(),
    note: text("note"),
    actorId: uuid("actor_id").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("unsent_handlings_key_idx").on(t.tenantId, t.memberId, t.category, t.subjectKey)],
);

export type UnsentHandling = typeof unsentHandlings.$inferSelect;
