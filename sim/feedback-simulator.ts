/**
 * The development feedback simulator: reads what local SES received, decides each recipient's fate
 * and posts signed SNS notifications to the webhook, as SES and SNS would. Never used with real SES.
 */
import { randomUUID } from "node:crypto";
import { domainOf } from "@/lib/address/normalise";
import type { SnsMessage } from "@/lib/feedback/sns";
import { createSigningIdentity, signSnsMessage } from "@/sim/sns-signing";

export const SIMULATOR_TOPIC_ARN = "arn:aws:sns:us-east-1:000000000000:sendwell-local-feedback";
// Any URL that passes the webhook's certificate-URL rule; the app is told to trust our certificate.
const CERT_URL =
  "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0123456789abcdef0123456789abcdef.pem";

export type Fate =
  | { kind: "delivery" }
  | { kind: "complaint" }
  | {
      kind: "bounce";
      bounceType: "Permanent" | "Transient";
      subType: string;
      status: string;
      diagnostic: string;
    };

export type FateRules = {
  deadDomains: ReadonlySet<string>;
  deadMailboxes: ReadonlySet<string>;
  /** Domains that exist but where no mailbox does (a retired school domain): every address bounces. */
  deadMailboxDomains?: ReadonlySet<string>;
};

const SIMULATOR_DOMAIN = "simulator.amazonses.com";

/** SES's mailbox simulator addresses (with or without a +label), then our dead lists, else delivered. */
export function fatesOf(address: string, rules: FateRules): Fate[] {
  const lower = address.toLowerCase();
  const domain = domainOf(lower);
  const local = lower.slice(0, lower.lastIndexOf("@")).split("+")[0];
  if (domain === SIMULATOR_DOMAIN) {
    switch (local) {
      case "bounce":
        return [bounce("General", "5.1.1", "smtp; 550 5.1.1 user unknown")];
      case "suppressionlist":
        return [
          bounce(
            "OnAccountSuppressionList",
            "5.1.1",
            "Amazon SES did not send the message to this address because it is on the suppression list for your account.",
          ),
        ];
      case "complaint":
        return [{ kind: "delivery" }, { kind: "complaint" }];
      default:
        return [{ kind: "delivery" }]; // success, ooto
    }
  }
  if (rules.deadDomains.has(domain))
    return [bounce("General", "5.1.2", "smtp; 550 5.1.2 Host unknown")];
  if (rules.deadMailboxes.has(lower) || rules.deadMailboxDomains?.has(domain))
    return [bounce("NoEmail", "5.1.1", "smtp; 550 5.1.1 The email account does not exist")];
  return [{ kind: "delivery" }];
}

function bounce(subType: string, status: string, diagnostic: string): Fate {
  return { kind: "bounce", bounceType: "Permanent", subType, status, diagnostic };
}

export type SentMail = {
  messageId: string;
  from: string;
  to: string;
  subject: string;
  sentAt: Date;
};

/** The SES event as event publishing writes it (`eventType`), or as feedback notifications do. */
export function sesEventJson(
  fate: Fate,
  mail: SentMail,
  at: Date,
  format: "event" | "notification",
): string {
  const typeKey = format === "event" ? "eventType" : "notificationType";
  const common = {
    mail: {
      timestamp: mail.sentAt.toISOString(),
      source: mail.from,
      sourceArn: "arn:aws:ses:us-east-1:000000000000:identity/sendwell.localhost",
      sendingAccountId: "000000000000",
      messageId: mail.messageId,
      destination: [mail.to],
      headersTruncated: false,
      commonHeaders: {
        from: [mail.from],
        to: [mail.to],
        messageId: mail.messageId,
        subject: mail.subject,
      },
      tags: { "ses:configuration-set": ["sendwell-local"] },
    },
  };
  const stamp = at.toISOString();
  switch (fate.kind) {
    case "delivery":
      return JSON.stringify({
        [typeKey]: "Delivery",
        ...common,
        delivery: {
          timestamp: stamp,
          processingTimeMillis: Math.max(1, at.getTime() - mail.sentAt.getTime()),
          recipients: [mail.to],
          smtpResponse: "250 2.6.0 Message received",
          reportingMTA: "a8-70.smtp-out.amazonses.com",
        },
      });
    case "complaint":
      return JSON.stringify({
        [typeKey]: "Complaint",
        ...common,
        complaint: {
          complainedRecipients: [{ emailAddress: mail.to }],
          timestamp: stamp,
          feedbackId: randomUUID(),
          complaintFeedbackType: "abuse",
          userAgent: "Sendwell feedback simulator",
          arrivalDate: stamp,
        },
      });
    case "bounce":
      return JSON.stringify({
        [typeKey]: "Bounce",
        ...common,
        bounce: {
          bounceType: fate.bounceType,
          bounceSubType: fate.subType,
          bouncedRecipients: [
            {
              emailAddress: mail.to,
              action: "failed",
              status: fate.status,
              diagnosticCode: fate.diagnostic,
            },
          ],
          timestamp: stamp,
          feedbackId: randomUUID(),
          reportingMTA: "dsn; a8-70.smtp-out.amazonses.com",
        },
      });
  }
}

/** A key and a self-signed certificate made at start; the app trusts it only when told to. */
export async function makeSigningCertificate(): Promise<{
  privateKeyPem: string;
  certPem: string;
}> {
  const identity = createSigningIdentity();
  return { privateKeyPem: identity.privateKeyPem, certPem: identity.certificatePem };
}

export type SimulatorOptions = FateRules & {
  sesUrl: string;
  webhookUrl: string;
  privateKeyPem: string;
  topicArn?: string;
  /** How long after a send its feedback is posted (SES takes seconds). */
  delayMs?: number;
  format?: "event" | "notification";
  /** Only mail received at or after this time (epoch seconds) is reported. */
  since?: number;
  /** Only these recipients are reported (tests share one local SES). */
  only?: (to: string) => boolean;
  /** Notifications posted at once (SNS delivers in parallel); one at a time unless set. */
  concurrency?: number;
  log?: (message: string) => void;
};

type StoredEmail = {
  messageId: string;
  from: string;
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  at: number;
};

export class FeedbackSimulator {
  private seen = new Set<string>();
  private since = 0;
  private timer: NodeJS.Timeout | undefined;
  private version: "1" | "2" = "1";
  private running: Promise<number> | undefined;
  private inFlight = new Set<Promise<void>>();
  private stopped = false;
  posted = 0;
  failed = 0;

  constructor(private readonly options: SimulatorOptions) {
    this.since = options.since ?? 0;
  }

  /** Signs an SES event as an SNS Notification, alternating signature versions 1 and 2. */
  envelope(messageJson: string): SnsMessage {
    this.version = this.version === "1" ? "2" : "1";
    return signSnsMessage(
      {
        Type: "Notification",
        MessageId: randomUUID(),
        TopicArn: this.options.topicArn ?? SIMULATOR_TOPIC_ARN,
        Message: messageJson,
        Timestamp: new Date().toISOString(),
        SigningCertURL: CERT_URL,
        UnsubscribeURL: `https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${SIMULATOR_TOPIC_ARN}:local`,
      },
      this.version,
      this.options.privateKeyPem,
    );
  }

  async post(message: SnsMessage): Promise<number> {
    const body = JSON.stringify(message);
    // SNS retries failed deliveries; so do we, a few times.
    for (let attempt = 0; attempt < 4; attempt++) {
      try {
        const res = await fetch(this.options.webhookUrl, {
          method: "POST",
          headers: {
            "content-type": "text/plain; charset=UTF-8",
            "x-amz-sns-message-type": message.Type,
            "x-amz-sns-message-id": message.MessageId,
            "x-amz-sns-topic-arn": message.TopicArn,
          },
          body,
        });
        if (res.status < 500) return res.status;
      } catch {
        // the app may be restarting: try again
      }
      await new Promise((r) => setTimeout(r, 500 * (attempt + 1)));
    }
    return 0;
  }

  /** One pass over what local SES received since the last pass; returns notifications posted. */
  async tick(): Promise<number> {
    this.running ??= this.pass().finally(() => (this.running = undefined));
    return this.running;
  }

  private async pass(): Promise<number> {
    const res = await fetch(`${this.options.sesUrl}/store?since=${this.since}`);
    const { emails } = (await res.json()) as { emails: StoredEmail[] };
    const delay = this.options.delayMs ?? 1_000;
    const now = Date.now();
    let count = 0;
    for (const email of emails) {
      // Local SES keeps only seconds: the next pass re-reads this second, and `seen` skips repeats.
      this.since = Math.max(this.since, email.at);
      const key = `${email.messageId} ${email.at} ${email.destination.to.join(",")}`;
      if (this.seen.has(key)) continue;
      if (email.at * 1000 + delay > now) break; // not yet: SES reports after a moment
      this.seen.add(key);
      const recipients = [
        ...email.destination.to,
        ...email.destination.cc,
        ...email.destination.bcc,
      ];
      for (const to of recipients) {
        const mail = {
          messageId: email.messageId,
          from: email.from,
          to,
          subject: email.subject,
          sentAt: new Date(email.at * 1000),
        };
        // A recipient's events go in order (a delivery before its complaint); recipients in parallel.
        const fates = fatesOf(to, this.options);
        await this.slot(async () => {
          for (const fate of fates) {
            const status = await this.post(
              this.envelope(sesEventJson(fate, mail, new Date(), this.options.format ?? "event")),
            );
            if (status === 200) this.posted++;
            else {
              this.failed++;
              this.options.log?.(
                `webhook answered ${status || "nothing"} for ${fate.kind} of ${email.messageId}`,
              );
            }
          }
        });
        count += fates.length;
      }
    }
    await Promise.all(this.inFlight);
    return count;
  }

  /** Runs `work` once fewer than `concurrency` posts are in flight; waits for it when that is 1. */
  private async slot(work: () => Promise<void>): Promise<void> {
    const limit = Math.max(1, this.options.concurrency ?? 1);
    while (this.inFlight.size >= limit) await Promise.race(this.inFlight);
    const p = work().finally(() => this.inFlight.delete(p));
    this.inFlight.add(p);
    if (limit === 1) await p;
  }

  start(intervalMs = 1_000): void {
    this.stopped = false;
    const loop = async () => {
      try {
        await this.tick();
      } catch (error) {
        this.options.log?.(`cannot read local SES: ${(error as Error).message}`);
      }
      // Stopped during the pass: clearing the timer then found none, so do not set a new one.
      if (!this.stopped) this.timer = setTimeout(loop, intervalMs);
    };
    this.timer = setTimeout(loop, intervalMs);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** Stops and waits for the pass in hand, so nothing is posted after this resolves. */
  async drain(): Promise<void> {
    this.stop();
    await this.running;
  }
}
