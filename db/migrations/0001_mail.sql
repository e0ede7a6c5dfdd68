CREATE TYPE "public"."breaker_state" AS ENUM('closed', 'open', 'half_open');--> statement-breakpoint
CREATE TYPE "public"."mail_category" AS ENUM('invitation', 'message_notice', 'password_reset', 'login_code', 'announcement');--> statement-breakpoint
CREATE TYPE "public"."mail_lane" AS ENUM('transactional', 'bulk');--> statement-breakpoint
CREATE TYPE "public"."mail_status" AS ENUM('queued', 'held', 'sending', 'sent', 'delivered', 'bounced', 'complained', 'blocked', 'failed', 'cancelled');--> statement-breakpoint
CREATE TYPE "public"."suppression_scope" AS ENUM('account', 'tenant');--> statement-breakpoint
CREATE TABLE "account_mail_state" (
	"id" smallint PRIMARY KEY DEFAULT 1 NOT NULL,
	"sending_enabled" boolean,
	"enforcement_status" text,
	"max_send_rate" double precision,
	"max_24_hour_send" double precision,
	"sent_last_24_hours" double precision,
	"checked_at" timestamp with time zone,
	"check_error" text,
	"paused_until" timestamp with time zone,
	"tokens" double precision DEFAULT 0 NOT NULL,
	"refilled_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "confirmed_addresses" (
	"address" text PRIMARY KEY NOT NULL,
	"confirmed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "outbound_emails" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "outbound_emails_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"tenant_id" uuid NOT NULL,
	"member_id" uuid,
	"category" "mail_category" NOT NULL,
	"lane" "mail_lane" NOT NULL,
	"to_address" text,
	"template" text NOT NULL,
	"params" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"status" "mail_status" DEFAULT 'queued' NOT NULL,
	"reason" text,
	"attempts" smallint DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"lease_until" timestamp with time zone,
	"ses_message_id" text,
	"batch_id" uuid,
	"confirm_by" timestamp with time zone,
	"sent_at" timestamp with time zone,
	"resolved_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "suppressions" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "suppressions_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"scope" "suppression_scope" NOT NULL,
	"tenant_id" uuid,
	"address" text NOT NULL,
	"reason" text NOT NULL,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tenant_mail_state" (
	"tenant_id" uuid PRIMARY KEY NOT NULL,
	"window" integer NOT NULL,
	"breaker" "breaker_state" DEFAULT 'closed' NOT NULL,
	"breaker_reason" text,
	"breaker_changed_at" timestamp with time zone,
	"breaker_changed_by" text,
	"recent_outcomes" text DEFAULT '' NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "outbound_emails" ADD CONSTRAINT "outbound_emails_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outbound_emails" ADD CONSTRAINT "outbound_emails_member_id_users_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "suppressions" ADD CONSTRAINT "suppressions_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tenant_mail_state" ADD CONSTRAINT "tenant_mail_state_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "outbound_emails_due_idx" ON "outbound_emails" USING btree ("lane","next_attempt_at","id") WHERE "outbound_emails"."status" in ('queued', 'held');--> statement-breakpoint
CREATE INDEX "outbound_emails_lease_idx" ON "outbound_emails" USING btree ("lease_until") WHERE "outbound_emails"."status" = 'sending';--> statement-breakpoint
CREATE INDEX "outbound_emails_in_flight_idx" ON "outbound_emails" USING btree ("tenant_id","confirm_by") WHERE "outbound_emails"."confirm_by" is not null;--> statement-breakpoint
CREATE INDEX "outbound_emails_sent_at_idx" ON "outbound_emails" USING btree ("sent_at") WHERE "outbound_emails"."sent_at" is not null;--> statement-breakpoint
CREATE INDEX "outbound_emails_ses_message_id_idx" ON "outbound_emails" USING btree ("ses_message_id");--> statement-breakpoint
CREATE INDEX "outbound_emails_tenant_status_idx" ON "outbound_emails" USING btree ("tenant_id","status");--> statement-breakpoint
CREATE INDEX "outbound_emails_member_idx" ON "outbound_emails" USING btree ("member_id");--> statement-breakpoint
CREATE UNIQUE INDEX "suppressions_scope_address_key" ON "suppressions" USING btree ("scope",coalesce("tenant_id", '00000000-0000-0000-0000-000000000000'::uuid),"address");--> statement-breakpoint
CREATE INDEX "suppressions_address_idx" ON "suppressions" USING btree ("address");