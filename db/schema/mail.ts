import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { tenants } from "./tenants";
import { users } from "./users";

export const mailCategories = [
  "invitation",
  "message_notice",
  "password_reset",
  "login_code",
  "announcement",
  /** A notice to a tenant's admins or to the operators: bulk mail paused, the account guard tripped. */
  "alert",
] as const;
export const mailCategory = pgEnum("mail_category", mailCategories);
export type MailCategory = (typeof mailCategories)[number];

export const mailLane = pgEnum("mail_lane", ["transactional", "bulk"]);
export type MailLane = "transactional" | "bulk";

export const mailStatuses = [
  "queued",
  "held",
  "sending",
  "sent",
  "delivered",
  "bounced",
  "complained",
  "blocked",
  "failed",
  "cancelled",
  /** A login code or password reset that could not leave within its validity: never sent late. */
  "expired",
] as const;
export const mailStatus = pgEnum("mail_status", mailStatuses);
export type MailStatus = (typeof mailStatuses)[number];

/**
 * The outbox: every mail is a row, written in the transaction of the change that causes it.
 * queued -> sending -> sent -> delivered | bounced | complained; queued -> held -> queued;
 * queued -> blocked; sending -> failed, or back to queued with backoff; cancelled;
 * queued | held -> expired (a login code or reset that outlived its validity before it could leave).
 */
export const outboundEmails = pgTable(
  "outbound_emails",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    /** Null only for alerts to operators, who belong to no tenant. */
    tenantId: uuid("tenant_id").references(() => tenants.id, { onDelete: "cascade" }),
    memberId: uuid("member_id").references(() => users.id, { onDelete: "set null" }),
    category: mailCategory("category").notNull(),
    lane: mailLane("lane").notNull(),
    /** Normalised; null when the member has none (the guard blocks it as `no_address`). */
    toAddress: text("to_address"),
    template: text("template").notNull(),
    params: jsonb("params").$type<Record<string, unknown>>().notNull().default({}),
    status: mailStatus("status").notNull().default("queued"),
    reason: text("reason"),
    attempts: smallint("attempts").notNull().default(0),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }).notNull().defaultNow(),
    leaseUntil: timestamp("lease_until", { withTimezone: true }),
    sesMessageId: text("ses_message_id"),
    batchId: uuid("batch_id"),
    /** Set when unconfirmed bulk mail is sent: it counts against the windows until this time or an event. */
    confirmBy: timestamp("confirm_by", { withTimezone: true }),
    sentAt: timestamp("sent_at", { withTimezone: true }),
    resolvedAt: timestamp("resolved_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // Matches the claim's `lane = ? and next_attempt_at <= now() order by next_attempt_at, id limit n`,
    // so a claim reads one batch of index entries however long the queue is.
    index("outbound_emails_due_idx")
      .on(t.lane, t.nextAttemptAt, t.id)
      .where(sql`${t.status} in ('queued', 'held')`),
    index("outbound_emails_lease_idx")
      .on(t.leaseUntil)
      .where(sql`${t.status} = 'sending'`),
    index("outbound_emails_in_flight_idx")
      .on(t.tenantId, t.confirmBy)
      .where(sql`${t.confirmBy} is not null`),
    // With the status alongside, the account's rates over its last sends are an index-only scan.
    index("outbound_emails_sent_at_status_idx")
      .on(t.sentAt, t.status)
      .where(sql`${t.sentAt} is not null`),
    // Not unique: SES's ids are, but local SES draws 9 random digits and repeats itself.
    index("outbound_emails_ses_message_id_idx").on(t.sesMessageId),
    index("outbound_emails_tenant_status_idx").on(t.tenantId, t.status),
    index("outbound_emails_member_idx").on(t.memberId),
    // A tenant's recent hard bounces (the send-health page): not every bounce it ever had.
    index("outbound_emails_bounced_idx")
      .on(t.tenantId, t.resolvedAt)
      .where(sql`${t.status} = 'bounced'`),
  ],
);

export type OutboundEmail = typeof outboundEmails.$inferSelect;
export type NewOutboundEmail = typeof outboundEmails.$inferInsert;

export const suppressionScope = pgEnum("suppression_scope", ["account", "tenant"]);

/** Addresses we never send to again: per tenant, or for the whole account. */
export const suppressions = pgTable(
  "suppressions",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    scope: suppressionScope("scope").notNull(),
    tenantId: uuid("tenant_id").references(() => tenants.id, { onDelete: "cascade" }),
    address: text("address").notNull(),
    reason: text("reason").notNull(),
    detail: jsonb("detail").$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("suppressions_scope_address_key").on(
      t.scope,
      sql`coalesce(${t.tenantId}, '00000000-0000-0000-0000-000000000000'::uuid)`,
      t.address,
    ),
    // Stored lower-cased: the suppression rule ignores case (lib/suppressions/rule.ts).
    index("suppressions_address_idx").on(t.address),
  ],
);

export type Suppression = typeof suppressions.$inferSelect;

/** Addresses SES has delivered to: bulk mail to them is not "unconfirmed". */
export const confirmedAddresses = pgTable("confirmed_addresses", {
  address: text("address").primaryKey(),
  confirmedAt: timestamp("confirmed_at", { withTimezone: true }).notNull().defaultNow(),
});

export type ConfirmedAddress = typeof confirmedAddresses.$inferSelect;

export const breakerState = pgEnum("breaker_state", ["closed", "open", "half_open"]);

/** Each tenant's window and breaker (DESIGN.md, "Bounce budget and tenant windows"). */
export const tenantMailState = pgTable("tenant_mail_state", {
  tenantId: uuid("tenant_id")
    .primaryKey()
    .references(() => tenants.id, { onDelete: "cascade" }),
  window: integer("window").notNull(),
  breaker: breakerState("breaker").notNull().default("closed"),
  breakerReason: text("breaker_reason"),
  breakerChangedAt: timestamp("breaker_changed_at", { withTimezone: true }),
  /** `system` (the breaker itself), `operator:<login ID>` or `admin:<login ID>`. */
  breakerChangedBy: text("breaker_changed_by"),
  /** When this pause was last told to the tenant's admins (one alert mail per pause). */
  alertedAt: timestamp("alerted_at", { withTimezone: true }),
  /** The last resolved bulk outcomes, newest last: d delivered, b hard bounce, s soft bounce, c complaint. */
  recentOutcomes: text("recent_outcomes").notNull().default(""),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

export type TenantMailState = typeof tenantMailState.$inferSelect;

/** One row: what SES last said of the account, and the shared token bucket at its send rate. */
export const accountMailState = pgTable("account_mail_state", {
  id: smallint("id").primaryKey().default(1),
  sendingEnabled: boolean("sending_enabled"),
  enforcementStatus: text("enforcement_status"),
  maxSendRate: doublePrecision("max_send_rate"),
  max24HourSend: doublePrecision("max_24_hour_send"),
  sentLast24Hours: doublePrecision("sent_last_24_hours"),
  checkedAt: timestamp("checked_at", { withTimezone: true }),
  checkError: text("check_error"),
  /** Set by SendingPaused/AccountSuspended answers: nothing is sent until a GetAccount says otherwise. */
  pausedUntil: timestamp("paused_until", { withTimezone: true }),
  /** When SES's latest pause began and ended: the unsent ledger's "since the pause of …". */
  lastPauseStartedAt: timestamp("last_pause_started_at", { withTimezone: true }),
  lastPauseEndedAt: timestamp("last_pause_ended_at", { withTimezone: true }),
  /** An operator stopped all bulk mail for the account (transactional still goes). */
  bulkStoppedAt: timestamp("bulk_stopped_at", { withTimezone: true }),
  bulkStoppedBy: text("bulk_stopped_by"),
  bulkStoppedReason: text("bulk_stopped_reason"),
  /** The account guard's last level, and since when: the operators are told when it stops mail. */
  guardLevel: text("guard_level").notNull().default("ok"),
  guardReason: text("guard_reason"),
  guardChangedAt: timestamp("guard_changed_at", { withTimezone: true }),
  tokens: doublePrecision("tokens").notNull().default(0),
  refilledAt: timestamp("refilled_at", { withTimezone: true }).notNull().defaultNow(),
});
