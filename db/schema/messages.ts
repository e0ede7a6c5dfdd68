import { sql } from "drizzle-orm";
import {
  bigint,
  check,
  index,
  integer,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uuid,
} from "drizzle-orm/pg-core";
import { tenants } from "./tenants";
import { users } from "./users";

export const noticeModes = ["now", "after_1h", "after_1d", "never"] as const;
export type NoticeMode = (typeof noticeModes)[number];

/**
 * A message in the in-app box (the channel that never depends on mail), or an announcement. Written
 * by lib/messages only. `recipient_count` is fixed at posting: the box rows are its recipients.
 */
export const messages = pgTable(
  "messages",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    /** The admin, or the operator of an announcement; null once they are deleted. */
    authorId: uuid("author_id").references(() => users.id, { onDelete: "set null" }),
    kind: text("kind").notNull().default("message"),
    subject: text("subject").notNull(),
    body: text("body").notNull(),
    noticeMode: text("notice_mode").notNull(),
    recipientCount: integer("recipient_count").notNull().default(0),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("messages_tenant_created_idx").on(t.tenantId, t.createdAt),
    check("messages_kind", sql`${t.kind} in ('message', 'announcement')`),
    check("messages_notice_mode", sql`${t.noticeMode} in ('now', 'after_1h', 'after_1d', 'never')`),
  ],
);

export type Message = typeof messages.$inferSelect;

/**
 * One row per message and member: their box. `notice_id` is the outbox id of the latest notice (drawn
 * from the outbox's sequence when the row is written, so the notices go in with one INSERT … SELECT).
 */
export const messageRecipients = pgTable(
  "message_recipients",
  {
    messageId: uuid("message_id")
      .notNull()
      .references(() => messages.id, { onDelete: "cascade" }),
    memberId: uuid("member_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    tenantId: uuid("tenant_id").notNull(),
    /** The message's own time, repeated so a box pages by one index. */
    deliveredAt: timestamp("delivered_at", { withTimezone: true }).notNull().defaultNow(),
    readAt: timestamp("read_at", { withTimezone: true }),
    noticeId: bigint("notice_id", { mode: "number" }),
    /** Notices sent to this member for this message (the first and any re-notify). */
    notices: smallint("notices").notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.messageId, t.memberId] }),
    // The box, newest first: with the tenant and read time in the index, a page at any depth and
    // the box's counts are index-only scans; messages are joined for the page's 20 rows alone.
    index("message_recipients_box_idx").on(
      t.memberId,
      t.deliveredAt,
      t.messageId,
      t.tenantId,
      t.readAt,
    ),
    index("message_recipients_unread_idx")
      .on(t.memberId)
      .where(sql`${t.readAt} is null`),
  ],
);

export type MessageRecipient = typeof messageRecipients.$inferSelect;

export const loginCodeKinds = ["email", "bypass"] as const;
export type LoginCodeKind = (typeof loginCodeKinds)[number];

/**
 * Second factors: an e-mailed 6-digit code for one sign-in after a correct password (its id is the
 * pending sign-in, 10 minutes, 5 tries), or an admin's one-time bypass code (24 hours). Only hashes.
 */
export const loginCodes = pgTable(
  "login_codes",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    kind: text("kind").notNull(),
    codeHash: text("code_hash").notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    attempts: smallint("attempts").notNull().default(0),
    /** The code's mail (an e-mailed code), the latest when resent. */
    mailId: bigint("mail_id", { mode: "number" }),
    sentAt: timestamp("sent_at", { withTimezone: true }),
    usedAt: timestamp("used_at", { withTimezone: true }),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("login_codes_user_idx").on(t.userId, t.kind),
    check("login_codes_kind", sql`${t.kind} in ('email', 'bypass')`),
  ],
);

export type LoginCode = typeof loginCodes.$inferSelect;
