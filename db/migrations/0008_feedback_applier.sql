DROP INDEX "ses_events_sns_message_id_key";--> statement-breakpoint
DROP INDEX "ses_events_ses_message_id_idx";--> statement-breakpoint
DROP INDEX "ses_events_orphans_idx";--> statement-breakpoint
ALTER TABLE "ses_events" ADD COLUMN "event_key" text;--> statement-breakpoint
ALTER TABLE "ses_events" ADD COLUMN "duplicate_sns_ids" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "ses_events" ADD COLUMN "applied_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "ses_events" ADD COLUMN "apply_attempts" smallint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "ses_events" ADD COLUMN "apply_after" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "ses_events" ADD COLUMN "apply_error" text;--> statement-breakpoint
ALTER TABLE "ses_events" ADD COLUMN "parked_at" timestamp with time zone;--> statement-breakpoint
-- Events stored before the applier were applied in their request; their key is their SNS MessageId,
-- the identity they were deduplicated by then.
UPDATE "ses_events" SET "event_key" = 'sns:' || "sns_message_id", "applied_at" = "received_at";--> statement-breakpoint
ALTER TABLE "ses_events" ALTER COLUMN "event_key" SET NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "ses_events_event_key" ON "ses_events" USING btree ("event_key");--> statement-breakpoint
CREATE INDEX "ses_events_pending_idx" ON "ses_events" USING btree ("id") WHERE "ses_events"."applied_at" is null and "ses_events"."parked_at" is null;--> statement-breakpoint
CREATE INDEX "ses_events_parked_idx" ON "ses_events" USING btree ("id") WHERE "ses_events"."parked_at" is not null;--> statement-breakpoint
CREATE INDEX "ses_events_duplicates_idx" ON "ses_events" USING btree ("received_at") WHERE "ses_events"."duplicate_sns_ids" <> '{}'::text[];--> statement-breakpoint
CREATE INDEX "ses_events_orphans_idx" ON "ses_events" USING btree ("received_at") WHERE "ses_events"."outbound_email_id" is null and "ses_events"."applied_at" is not null;