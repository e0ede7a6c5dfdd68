import {
  GetAccountCommand,
  SESv2Client,
  SendEmailCommand,
  type SendEmailCommandInput,
} from "@aws-sdk/client-sesv2";
import type { MailLane } from "@/db/schema/mail";
import type { Env } from "@/lib/env";

export type OutgoingMail = {
  to: string;
  subject: string;
  text: string;
  html: string;
  lane: MailLane;
  tags: { tenant: string; category: string; outbox: string };
  /** SES tenant name (the tenant's slug) when SES tenants are configured. */
  tenantName?: string;
};

export type AccountStatus = {
  sendingEnabled: boolean;
  enforcementStatus: string;
  maxSendRate: number;
  max24HourSend: number;
  sentLast24Hours: number;
};

export interface MailTransport {
  send(mail: OutgoingMail): Promise<{ messageId: string }>;
  getAccount(): Promise<AccountStatus>;
}

export type TransportConfig = Pick<
  Env,
  | "AWS_REGION"
  | "SES_ENDPOINT"
  | "SES_FROM_ADDRESS"
  | "SES_CONFIGURATION_SET_TRANSACTIONAL"
  | "SES_CONFIGURATION_SET_BULK"
  | "SES_TENANTS"
> &
  Partial<Pick<Env, "SES_TIMEOUT_MS">>;

const DEV_FROM = "Sendwell <no-reply@sendwell.localhost>";

/** The SESv2 request for one mail: configuration set per lane, tags for the feedback to find it. */
export function sendEmailInput(mail: OutgoingMail, config: TransportConfig): SendEmailCommandInput {
  const configurationSet =
    mail.lane === "transactional"
      ? config.SES_CONFIGURATION_SET_TRANSACTIONAL
      : config.SES_CONFIGURATION_SET_BULK;
  return {
    FromEmailAddress: config.SES_FROM_ADDRESS ?? DEV_FROM,
    Destination: { ToAddresses: [mail.to] },
    Content: {
      Simple: {
        Subject: { Data: mail.subject, Charset: "UTF-8" },
        Body: {
          Text: { Data: mail.text, Charset: "UTF-8" },
          Html: { Data: mail.html, Charset: "UTF-8" },
        },
      },
    },
    ConfigurationSetName: configurationSet,
    EmailTags: [
      { Name: "tenant", Value: mail.tags.tenant },
      { Name: "category", Value: mail.tags.category },
      { Name: "outbox_id", Value: mail.tags.outbox },
    ],
    TenantName: config.SES_TENANTS === "true" ? mail.tenantName : undefined,
  };
}

export class SesTransport implements MailTransport {
  readonly client: SESv2Client;

  constructor(private readonly config: TransportConfig) {
    this.client = new SESv2Client({
      region: config.AWS_REGION,
      endpoint: config.SES_ENDPOINT,
      // Local SES only checks that some AWS signature is present.
      credentials:
        config.SES_ENDPOINT && !process.env.AWS_ACCESS_KEY_ID
          ? { accessKeyId: "local", secretAccessKey: "local" }
          : undefined,
      maxAttempts: 1, // the dispatcher owns retries and backoff
      // Without these an SES that accepts the connection and never answers holds the batch forever,
      // its lease runs out and another dispatcher sends the same mail. (The handler only warns on a
      // request timeout unless told to throw.)
      requestHandler: {
        connectionTimeout: Math.min(config.SES_TIMEOUT_MS ?? 10_000, 5_000),
        requestTimeout: config.SES_TIMEOUT_MS ?? 10_000,
        throwOnRequestTimeout: true,
      },
    });
  }

  async send(mail: OutgoingMail): Promise<{ messageId: string }> {
    const out = await this.client.send(new SendEmailCommand(sendEmailInput(mail, this.config)));
    if (!out.MessageId) throw new Error("SES answered without a MessageId");
    return { messageId: out.MessageId };
  }

  async getAccount(): Promise<AccountStatus> {
    const out = await this.client.send(new GetAccountCommand({}));
    return {
      sendingEnabled: out.SendingEnabled ?? false,
      enforcementStatus: out.EnforcementStatus ?? "UNKNOWN",
      maxSendRate: out.SendQuota?.MaxSendRate ?? 1,
      max24HourSend: out.SendQuota?.Max24HourSend ?? 200,
      sentLast24Hours: out.SendQuota?.SentLast24Hours ?? 0,
    };
  }
}

export type SendFailure =
  /** `unanswered`: no answer at all (refused, reset, timed out), as opposed to SES saying "later". */
  | { kind: "retry"; reason: string; unanswered?: true }
  | { kind: "pause"; reason: string }
  | { kind: "fail"; reason: string };

/**
 * DESIGN.md's mapping: throttling and server faults retry with backoff; a paused or suspended
 * account holds everything; any other client fault fails the mail with SES's reason.
 */
export function classifySendError(error: unknown): SendFailure {
  const e = error as { name?: string; message?: string; $fault?: string; code?: string };
  const name = e?.name ?? "Error";
  const reason = `${name}: ${(e?.message ?? String(error)).slice(0, 300)}`;
  if (name === "SendingPausedException" || name === "AccountSuspendedException")
    return { kind: "pause", reason };
  if (
    name === "TooManyRequestsException" ||
    name === "LimitExceededException" ||
    name === "ThrottlingException"
  ) {
    return { kind: "retry", reason };
  }
  if (e?.$fault === "server") return { kind: "retry", reason };
  if (e?.$fault === "client") return { kind: "fail", reason };
  // No answer at all (connection refused, reset, timeout): our side or the network; try again.
  return { kind: "retry", reason, unanswered: true };
}
