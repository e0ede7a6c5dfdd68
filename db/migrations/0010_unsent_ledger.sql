CREATE TABLE "unsent_handlings" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"member_id" uuid NOT NULL,
	"category" "mail_category" NOT NULL,
	"subject_key" text DEFAULT '' NOT NULL,
	"up_to_mail_id" bigint NOT NULL,
	"kind" text NOT NULL,
	"note" text,
	"actor_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "account_mail_state" ADD COLUMN "last_pause_started_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "account_mail_state" ADD COLUMN "last_pause_ended_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "unsent_handlings" ADD CONSTRAINT "unsent_handlings_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "unsent_handlings" ADD CONSTRAINT "unsent_handlings_member_id_users_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "unsent_handlings" ADD CONSTRAINT "unsent_handlings_actor_id_users_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "unsent_handlings_key_idx" ON "unsent_handlings" USING btree ("tenant_id","member_id","category","subject_key");