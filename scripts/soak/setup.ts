/**
 * The soak's data, written directly (set-up, not measured): a school with an admin and members who
 * will get the message, and a second tenant whose already-sent mail the webhook traffic reports on.
 */
import { randomUUID } from "node:crypto";
import type postgres from "postgres";
import { hashPassword } from "@/lib/auth/password";

export const SCHOOL = "soak-school";
export const FEED = "soak-feed";
export const ADMIN_LOGIN = "soak.admin";
export const LEARNER_LOGINS = ["member0", "member1", "member2"];
export const PASSWORD = "soak-password-0123";

/** Mail the dispatcher sent before the soak started, for the webhook traffic to report on. */
export type SentMail = { ses: string; to: string };

export type Seeded = {
  schoolId: string;
  feedId: string;
  /** Active members with an address: the message's audience (the admin is its author). */
  members: number;
  sent: SentMail[];
};

export async function seed(sql: postgres.Sql, members: number, sentMails: number): Promise<Seeded> {
  const hash = await hashPassword(PASSWORD);
  const [school] = await sql<{ id: string }[]>`
    insert into tenants (slug, name) values (${SCHOOL}, 'Soak School') returning id`;
  const [feed] = await sql<{ id: string }[]>`
    insert into tenants (slug, name) values (${FEED}, 'Soak Feed') returning id`;
  await sql`
    insert into users (tenant_id, role, login_id, name, status, password_hash)
    values (${school!.id}, 'admin', ${ADMIN_LOGIN}, 'Soak Admin', 'active', ${hash})`;
  // The learners who sign in have a password; the others never sign in.
  await sql`
    insert into users (tenant_id, role, login_id, name, email, email_status, status, password_hash)
    select ${school!.id}, 'learner', 'member' || g, '山田 ' || g,
           'member' || g || '@school' || (g % 300) || '.example.com', 'ok', 'active',
           case when g < ${LEARNER_LOGINS.length} then ${hash} end
      from generate_series(0, ${members - 1}) g`;

  const sent: SentMail[] = Array.from({ length: sentMails }, (_, i) => ({
    ses: `soak-${i}-${randomUUID()}`,
    to: `reader${i}@feed${i % 200}.example.com`,
  }));
  for (let i = 0; i < sent.length; i += 10_000) {
    const chunk = sent.slice(i, i + 10_000);
    // Sent and already confirmed (confirm_by null): they take nothing from the windows the
    // soak's own mail needs, as mail to addresses delivered to before would not.
    await sql`
      insert into outbound_emails (tenant_id, category, lane, to_address, template, params, status,
                                   ses_message_id, sent_at, attempts)
      select ${feed!.id}, 'message_notice', 'bulk', t.addr, 'message_notice', '{}'::jsonb, 'sent',
             t.ses, now(), 1
        from unnest(${chunk.map((c) => c.to)}::text[], ${chunk.map((c) => c.ses)}::text[]) as t(addr, ses)`;
  }
  // The dispatcher counts each send in the hourly rollup; these were sent outside it.
  await sql`
    insert into mail_stats_hourly (hour, tenant_id, category, sends)
    values (date_trunc('hour', now()), ${feed!.id}, 'message_notice', ${sentMails})`;
  await sql`vacuum analyze outbound_emails`;
  await sql`analyze users`;
  return { schoolId: school!.id, feedId: feed!.id, members, sent };
}

/**
 * The import file: `rows` members, one in 100 with a malformed address (refused at the check),
 * one in 500 at a domain that exists but whose mailboxes do not (the simulator bounces them): few
 * enough, and late enough in the file, that the school's breaker (5% of its last 200) stays shut.
 */
export function importCsv(rows: number): { text: string; accepted: number; invited: number } {
  const lines = ["login_id,name,email"];
  let accepted = 0;
  for (let i = 0; i < rows; i++) {
    const id = `import${i}`;
    if (i % 100 === 99) {
      lines.push(`${id},Broken ${i},broken${i}.school.example.com`);
      continue;
    }
    const domain = i % 500 === 250 ? DEAD_MAILBOX_DOMAIN : `campus${i % 100}.example.com`;
    lines.push(`${id},Import ${i},${id}@${domain}`);
    accepted++;
  }
  return { text: lines.join("\r\n"), accepted, invited: accepted };
}

export const DEAD_MAILBOX_DOMAIN = "bounce.example.org";
