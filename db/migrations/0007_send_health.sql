ALTER TYPE "public"."mail_category" ADD VALUE 'alert';--> statement-breakpoint
DROP INDEX "outbound_emails_sent_at_idx";--> statement-breakpoint
ALTER TABLE "outbound_emails" ALTER COLUMN "tenant_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "account_mail_state" ADD COLUMN "bulk_stopped_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "account_mail_state" ADD COLUMN "bulk_stopped_by" text;--> statement-breakpoint
ALTER TABLE "account_mail_state" ADD COLUMN "bulk_stopped_reason" text;--> statement-breakpoint
ALTER TABLE "account_mail_state" ADD COLUMN "guard_level" text DEFAULT 'ok' NOT NULL;--> statement-breakpoint
ALTER TABLE "account_mail_state" ADD COLUMN "guard_reason" text;--> statement-breakpoint
ALTER TABLE "account_mail_state" ADD COLUMN "guard_changed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "tenant_mail_state" ADD COLUMN "alerted_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "outbound_emails_sent_at_status_idx" ON "outbound_emails" USING btree ("sent_at","status") WHERE "outbound_emails"."sent_at" is not null;--> statement-breakpoint
CREATE INDEX "outbound_emails_bounced_idx" ON "outbound_emails" USING btree ("tenant_id","resolved_at") WHERE "outbound_emails"."status" = 'bounced';--> statement-breakpoint
CREATE INDEX "mail_stats_hourly_tenant_hour_idx" ON "mail_stats_hourly" USING btree ("tenant_id","hour");--> statement-breakpoint
CREATE INDEX "ses_events_topic_received_idx" ON "ses_events" USING btree ("topic_arn","received_at");--> statement-breakpoint
CREATE INDEX "ses_events_tenant_id_idx" ON "ses_events" USING btree ("tenant_id","id");--> statement-breakpoint
CREATE INDEX "ses_events_type_id_idx" ON "ses_events" USING btree ("event_type","id");--> statement-breakpoint
CREATE INDEX "ses_events_outbound_email_idx" ON "ses_events" USING btree ("outbound_email_id") WHERE "ses_events"."outbound_email_id" is not null;--> statement-breakpoint
-- Sends are now counted into the hourly rollups as they leave (SES's Send events counted only when
-- published); the last month's are recounted from the outbox, so rates read from the rollups hold.
INSERT INTO "mail_stats_hourly" ("hour", "tenant_id", "category", "sends")
SELECT date_trunc('hour', "sent_at"), "tenant_id", "category"::text, count(*)
  FROM "outbound_emails"
 WHERE "sent_at" > now() - interval '31 days' AND "tenant_id" IS NOT NULL
 GROUP BY 1, 2, 3
ON CONFLICT ("hour", "tenant_id", "category") DO UPDATE SET "sends" = excluded."sends";
