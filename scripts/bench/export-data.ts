/**
 * The ledger bench:export reads: one unsent mail per learner of the bench tenant (members-data),
 * every case and every unsent state, seeded with one INSERT … SELECT.
 */
import type postgres from "postgres";

/** One unsent mail per learner: invitations to those who have not started, the rest mixed. */
export async function seedLedger(
  sql: postgres.Sql,
  tenantId: string,
  count: number,
): Promise<Record<string, number>> {
  await sql`
    insert into outbound_emails (tenant_id, member_id, category, lane, to_address, template, params,
                                 status, reason, attempts, created_at, updated_at)
    select ${tenantId}, u.id, c.category::mail_category,
           case when c.category in ('password_reset', 'login_code') then 'transactional' else 'bulk' end::mail_lane,
           u.email, c.category,
           case when c.category = 'message_notice'
                then jsonb_build_object('memberName', u.name, 'messageId', md5(u.n::text), 'subject', '=SUM(A1:A9) 時間割')
                else '{}'::jsonb end,
           (array['held', 'blocked', 'bounced', 'failed', 'expired', 'complained'])[1 + u.n % 6]::mail_status,
           (array['account_paused', 'suppressed', 'bounce:NoEmail', 'MessageRejected: rejected', null, 'complaint'])[1 + u.n % 6],
           1 + u.n % 3, now() - interval '2 days', now() - (u.n % 1440) * interval '1 minute'
      from (select id, name, email, status, password_hash, row_number() over (order by id) as n
              from users where tenant_id = ${tenantId} and role = 'learner'
             order by id limit ${count}) u
      cross join lateral (select case when u.password_hash is null then 'invitation'
                                      else (array['invitation', 'message_notice', 'password_reset', 'login_code'])[1 + u.n % 4]
                                 end as category) c`;
  await sql`vacuum analyze outbound_emails`;
  const rows = await sql<{ c: string; n: number }[]>`
    select case when o.category = 'invitation' and u.password_hash is not null then 'invitation_active'
                when o.category = 'invitation' then 'invitation_new' else o.category::text end as c,
           count(*)::int as n
      from outbound_emails o join users u on u.id = o.member_id
     where o.tenant_id = ${tenantId} group by 1`;
  return Object.fromEntries(rows.map((r) => [r.c, r.n]));
}
