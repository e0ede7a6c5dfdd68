CREATE TYPE "public"."email_status" AS ENUM('none', 'unchecked', 'ok', 'invalid', 'bounced', 'complained', 'suppressed');--> statement-breakpoint
CREATE TABLE "mail_stats_hourly" (
	"hour" timestamp with time zone NOT NULL,
	"tenant_id" uuid NOT NULL,
	"category" text NOT NULL,
	"sends" integer DEFAULT 0 NOT NULL,
	"deliveries" integer DEFAULT 0 NOT NULL,
	"hard_bounces" integer DEFAULT 0 NOT NULL,
	"soft_bounces" integer DEFAULT 0 NOT NULL,
	"complaints" integer DEFAULT 0 NOT NULL,
	"rejects" integer DEFAULT 0 NOT NULL,
	"delays" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "mail_stats_hourly_hour_tenant_id_category_pk" PRIMARY KEY("hour","tenant_id","category")
);
--> statement-breakpoint
CREATE TABLE "ses_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"sns_message_id" text NOT NULL,
	"topic_arn" text NOT NULL,
	"event_type" text NOT NULL,
	"ses_message_id" text,
	"outbound_email_id" bigint,
	"tenant_id" uuid,
	"recipients" text[] DEFAULT '{}'::text[] NOT NULL,
	"bounce_type" text,
	"bounce_sub_type" text,
	"occurred_at" timestamp with time zone,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"payload" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sns_subscriptions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"topic_arn" text NOT NULL,
	"type" text NOT NULL,
	"sns_message_id" text NOT NULL,
	"confirmed_at" timestamp with time zone,
	"error" text,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "email_status" "email_status" DEFAULT 'none' NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "ses_events_sns_message_id_key" ON "ses_events" USING btree ("sns_message_id");--> statement-breakpoint
CREATE INDEX "ses_events_ses_message_id_idx" ON "ses_events" USING btree ("ses_message_id");--> statement-breakpoint
CREATE INDEX "ses_events_orphans_idx" ON "ses_events" USING btree ("received_at") WHERE "ses_events"."outbound_email_id" is null;--> statement-breakpoint
CREATE INDEX "users_tenant_email_idx" ON "users" USING btree ("tenant_id",lower("email"));--> statement-breakpoint
UPDATE "users" SET "email_status" = 'unchecked' WHERE "email" IS NOT NULL;
