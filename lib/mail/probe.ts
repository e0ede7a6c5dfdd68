/**
 * The test mail: an admin sends one to their own address, through the same guard as every other
 * mail, and watches what becomes of it. A probe of the whole path, not a test of the code.
 */
import { and, eq } from "drizzle-orm";
import { db } from "@/db/client";
import { auditLog, outboundEmails, users } from "@/db/schema";
import type { TenantActor } from "@/lib/auth/actor";
import { UserError } from "@/lib/errors";
import { enqueue } from "./outbox";
import { reasonText, STATUS_LABEL } from "./reasons";

/** Queues a test mail to the admin's own address, through the same guard as every other mail. */
export async function queueTestMail({ actor, tenant }: TenantActor): Promise<{ id: number }> {
  const [me] = await db
    .select({ email: users.email, name: users.name })
    .from(users)
    .where(and(eq(users.id, actor.userId), eq(users.tenantId, tenant.id)));
  if (!me?.email) {
    throw new UserError(
      "invalid",
      "Your account has no e-mail address, so there is nowhere to send a test mail.",
    );
  }
  return db.transaction(async (tx) => {
    const mail = await enqueue(tx, {
      tenantId: tenant.id,
      memberId: actor.userId,
      category: "announcement",
      to: me.email,
      params: {
        subject: `Test mail from ${tenant.name}`,
        body: `Hello ${me.name || actor.loginId},\n\nThis is the test mail you asked for. If you can read it, mail from ${tenant.name} reaches you.`,
      },
    });
    await tx.insert(auditLog).values({
      tenantId: tenant.id,
      actorId: actor.userId,
      action: "mail.test_sent",
      subjectId: String(mail.id),
    });
    return mail;
  });
}

export type TestMailStatus = {
  id: number;
  status: keyof typeof STATUS_LABEL;
  label: string;
  reason: string | null;
  to: string | null;
  updatedAt: string;
};

/** The state of one of this admin's own test mails; null for any other id (someone else's looks missing). */
export async function testMailStatus(ctx: TenantActor, id: number): Promise<TestMailStatus | null> {
  const [row] = await db
    .select({
      id: outboundEmails.id,
      status: outboundEmails.status,
      reason: outboundEmails.reason,
      to: outboundEmails.toAddress,
      updatedAt: outboundEmails.updatedAt,
    })
    .from(outboundEmails)
    .where(
      and(
        eq(outboundEmails.id, id),
        eq(outboundEmails.tenantId, ctx.tenant.id),
        eq(outboundEmails.memberId, ctx.actor.userId),
      ),
    );
  if (!row) return null;
  return {
    id: row.id,
    status: row.status,
    label: STATUS_LABEL[row.status],
    reason: reasonText(row.reason),
    to: row.to,
    updatedAt: row.updatedAt.toISOString(),
  };
}
