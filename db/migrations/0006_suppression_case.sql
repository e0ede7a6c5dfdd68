-- Suppressions are stored lower-cased: the rule that decides whether one applies ignores case
-- (lib/suppressions/rule.ts). Rows that are the same once lower-cased keep their oldest.
DELETE FROM "suppressions" s
 USING "suppressions" t
 WHERE t."id" < s."id"
   AND t."scope" = s."scope"
   AND coalesce(t."tenant_id", '00000000-0000-0000-0000-000000000000'::uuid)
     = coalesce(s."tenant_id", '00000000-0000-0000-0000-000000000000'::uuid)
   AND lower(t."address") = lower(s."address");--> statement-breakpoint
UPDATE "suppressions" SET "address" = lower("address") WHERE "address" <> lower("address");
