import { sql } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { REPRESENTATIVE_SENDS, type SendCounts } from "./account-guard";

export type AccountCounts = { representative: SendCounts; lastDay: SendCounts };

export async function accountCounts(db: Executor): Promise<AccountCounts> {
  const [row] = await db.execute<{
    r_sends: number;
    r_bounces: number;
    r_complaints: number;
    d_sends: number;
    d_bounces: number;
    d_complaints: number;
  }>(sql`
    with recent as (
      select status from outbound_emails where sent_at is not null
      order by sent_at desc limit ${REPRESENTATIVE_SENDS}
    ), day as (
      -- From the hourly rollups, which already hold the feedback for mail that is not ours: a
      -- day's sends would be tens of thousands of outbox rows to count.
      select coalesce(sum(sends), 0)::int as sends, coalesce(sum(hard_bounces), 0)::int as bounces,
             coalesce(sum(complaints), 0)::int as complaints
        from mail_stats_hourly where hour >= now() - interval '24 hours'
    ), orphans as (
      -- Feedback for mail that is not in our outbox (another sender on the account) counts too, once
      -- applied (until then it is not known whose mail it is).
      select count(*) filter (where event_type = 'Bounce' and bounce_type = 'Permanent')::int as b,
             count(*) filter (where event_type = 'Complaint')::int as c
        from ses_events
       where outbound_email_id is null and applied_at is not null
         and received_at > now() - interval '24 hours'
    )
    select
      (select count(*) from recent)::int as r_sends,
      (select count(*) from recent where status = 'bounced')::int + (select b from orphans) as r_bounces,
      (select count(*) from recent where status = 'complained')::int + (select c from orphans) as r_complaints,
      (select sends from day) as d_sends,
      (select bounces from day) as d_bounces,
      (select complaints from day) as d_complaints`);
  return {
    representative: {
      sends: row!.r_sends,
      hardBounces: row!.r_bounces,
      complaints: row!.r_complaints,
    },
    lastDay: { sends: row!.d_sends, hardBounces: row!.d_bounces, complaints: row!.d_complaints },
  };
}
