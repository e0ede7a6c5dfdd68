/** Signed SNS notifications and sent mail, for the webhook's and the applier's database tests. */
import { randomBytes, randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { db } from "@/db/client";
import { outboundEmails, type tenants } from "@/db/schema";
import { SnsVerifier, type SnsMessage } from "@/lib/feedback/sns";
import type { WebhookDeps } from "@/lib/feedback/webhook";
import { enqueue } from "@/lib/mail/outbox";
import { SIMULATOR_TOPIC_ARN } from "@/sim/feedback-simulator";
import { signSnsMessage } from "@/sim/sns-signing";
import { makeTenant, makeUser } from "./factories";

export const CERT_URL =
  "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0123456789abcdef0123456789abcdef.pem";

/** The webhook's dependencies in a test: the simulator's topic, a certificate that verifies. */
export function testWebhookDeps(certPem: string, extra: Partial<WebhookDeps> = {}): WebhookDeps {
  return {
    db,
    verifier: new SnsVerifier({ fetcher: async () => certPem }),
    topicArns: new Set([SIMULATOR_TOPIC_ARN]),
    log: () => {},
    ...extra,
  };
}

/** An SES event as SNS posts it, signed with `privateKeyPem`. */
export function signedNotification(
  privateKeyPem: string,
  payload: unknown,
  overrides: Partial<SnsMessage> = {},
  version: "1" | "2" = "2",
): string {
  return JSON.stringify(
    signSnsMessage(
      {
        Type: "Notification",
        MessageId: overrides.MessageId ?? randomUUID(),
        TopicArn: overrides.TopicArn ?? SIMULATOR_TOPIC_ARN,
        Message: JSON.stringify(payload),
        Timestamp: new Date().toISOString(),
        SigningCertURL: overrides.SigningCertURL ?? CERT_URL,
      },
      version,
      privateKeyPem,
    ),
  );
}

/** A sent mail of a tenant with a member at `to`, as the dispatcher leaves it (unconfirmed). */
export async function sentMail(
  opts: {
    to?: string;
    lane?: "bulk" | "transactional";
    tenant?: typeof tenants.$inferSelect;
  } = {},
) {
  const tenant = opts.tenant ?? (await makeTenant());
  const to = opts.to ?? `m.${randomBytes(4).toString("hex")}@example.com`;
  const member = await makeUser({ tenantId: tenant.id, email: to, emailStatus: "unchecked" });
  const sesMessageId = `ses-${randomUUID()}`;
  const { id } = await db.transaction((tx) =>
    opts.lane === "transactional"
      ? enqueue(tx, {
          tenantId: tenant.id,
          memberId: member.id,
          category: "login_code",
          to,
          params: { memberName: "M", code: "ABC123" },
        })
      : enqueue(tx, {
          tenantId: tenant.id,
          memberId: member.id,
          category: "announcement",
          to,
          params: { subject: "S", body: "B" },
        }),
  );
  await db
    .update(outboundEmails)
    .set({
      status: "sent",
      sesMessageId,
      sentAt: new Date(),
      confirmBy: new Date(Date.now() + 1_800_000),
    })
    .where(eq(outboundEmails.id, id));
  return { tenant, member, to, sesMessageId, id };
}

export const mailRow = async (id: number) =>
  (await db.select().from(outboundEmails).where(eq(outboundEmails.id, id)))[0]!;
