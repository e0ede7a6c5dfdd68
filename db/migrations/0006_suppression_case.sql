DROP INDEX "suppressions_address_idx";--> statement-breakpoint
CREATE INDEX "suppressions_lower_address_idx" ON "suppressions" USING btree (lower("address"));