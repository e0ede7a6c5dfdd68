import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  smallint,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";

/**
 * Every SES event SNS delivered, once: keyed by the SES event's own identity (`event_key`), so a
 * repeat under the same SNS MessageId changes nothing and a copy under another one (SES publishing
 * the event to two topics, a topic subscribed twice) is only noted in `duplicate_sns_ids`. The
 * webhook stores it unapplied; the feedback applier (lib/feedback/applier) applies it, or parks it.
 */
export const sesEvents = pgTable(
  "ses_events",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    snsMessageId: text("sns_message_id").notNull(),
    topicArn: text("topic_arn").notNull(),
    eventType: text("event_type").notNull(),
    sesMessageId: text("ses_message_id"),
    /** Null when the mail is not ours (sent by something else on the account): still counted. */
    outboundEmailId: bigint("outbound_email_id", { mode: "number" }),
    tenantId: uuid("tenant_id"),
    recipients: text("recipients")
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    bounceType: text("bounce_type"),
    bounceSubType: text("bounce_sub_type"),
    occurredAt: timestamp("occurred_at", { withTimezone: true }),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull(),
    /**
     * A digest of the event type, SES message id, recipients and SES timestamp or feedback id
     * (lib/feedback/events.ts, eventKey); an event stored without one is its own.
     */
    eventKey: text("event_key")
      .notNull()
      .$defaultFn(() => `sns:${randomUUID()}`),
    /** Other SNS MessageIds the same SES event arrived under: counted once, shown as duplicates. */
    duplicateSnsIds: text("duplicate_sns_ids")
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    appliedAt: timestamp("applied_at", { withTimezone: true }),
    /** Failed applies so far; the applier retries after `apply_after`, then parks the event. */
    applyAttempts: smallint("apply_attempts").notNull().default(0),
    applyAfter: timestamp("apply_after", { withTimezone: true }).notNull().defaultNow(),
    applyError: text("apply_error"),
    /** Given up on after the last attempt: shown to operators with its error until one retries it. */
    parkedAt: timestamp("parked_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("ses_events_event_key").on(t.eventKey),
    // What the applier claims, oldest first: only events still to apply are in it.
    index("ses_events_pending_idx")
      .on(t.id)
      .where(sql`${t.appliedAt} is null and ${t.parkedAt} is null`),
    index("ses_events_parked_idx")
      .on(t.id)
      .where(sql`${t.parkedAt} is not null`),
    // The operator panel's count of copies that arrived under another SNS MessageId.
    index("ses_events_duplicates_idx")
      .on(t.receivedAt)
      .where(sql`${t.duplicateSnsIds} <> '{}'::text[]`),
    // Applied events for mail that is not ours: the account's rates count them (lib/health/rates).
    index("ses_events_orphans_idx")
      .on(t.receivedAt)
      .where(sql`${t.outboundEmailId} is null and ${t.appliedAt} is not null`),
    // The operator panel: each topic's last event, and the latest events by tenant or by type.
    index("ses_events_topic_received_idx").on(t.topicArn, t.receivedAt),
    index("ses_events_tenant_id_idx").on(t.tenantId, t.id),
    index("ses_events_type_id_idx").on(t.eventType, t.id),
    // A mail's bounce or complaint, for its history and the health page's bounced addresses.
    index("ses_events_outbound_email_idx")
      .on(t.outboundEmailId)
      .where(sql`${t.outboundEmailId} is not null`),
  ],
);

export type SesEvent = typeof sesEvents.$inferSelect;

/** SubscriptionConfirmation and UnsubscribeConfirmation messages: an unsubscribe is an operator warning. */
export const snsSubscriptions = pgTable("sns_subscriptions", {
  id: bigserial("id", { mode: "number" }).primaryKey(),
  topicArn: text("topic_arn").notNull(),
  type: text("type").notNull(),
  snsMessageId: text("sns_message_id").notNull(),
  confirmedAt: timestamp("confirmed_at", { withTimezone: true }),
  error: text("error"),
  receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
});

export type SnsSubscription = typeof snsSubscriptions.$inferSelect;

/** Hourly counts per tenant and category; the zero uuid holds events for mail that is not ours. */
export const mailStatsHourly = pgTable(
  "mail_stats_hourly",
  {
    hour: timestamp("hour", { withTimezone: true }).notNull(),
    tenantId: uuid("tenant_id").notNull(),
    category: text("category").notNull(),
    sends: integer("sends").notNull().default(0),
    deliveries: integer("deliveries").notNull().default(0),
    hardBounces: integer("hard_bounces").notNull().default(0),
    softBounces: integer("soft_bounces").notNull().default(0),
    complaints: integer("complaints").notNull().default(0),
    rejects: integer("rejects").notNull().default(0),
    delays: integer("delays").notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.hour, t.tenantId, t.category] }),
    // One tenant's last 30 days without reading every tenant's hours.
    index("mail_stats_hourly_tenant_hour_idx").on(t.tenantId, t.hour),
  ],
);
