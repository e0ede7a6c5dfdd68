/**
 * The soak's SNS traffic: signed notifications (the feedback simulator's event shapes) for mail sent
 * before the soak, signed as they go. One post in ten is a repeat: half the same SNS message again,
 * half the same SES event under a new SNS MessageId (a second subscription). Every MessageId answered
 * 200 is remembered, for the reconciliation.
 */
import { randomUUID } from "node:crypto";
import { SIMULATOR_TOPIC_ARN, sesEventJson, type Fate } from "@/sim/feedback-simulator";
import { signSnsMessage } from "@/sim/sns-signing";
import type { Answer, Request } from "./load";
import type { SentMail } from "./setup";

const CERT_URL =
  "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0123456789abcdef0123456789abcdef.pem";
export const BOUNCE_EVERY = 100;
const REPEAT_EVERY = 10;

const BOUNCE: Fate = {
  kind: "bounce",
  bounceType: "Permanent",
  subType: "General",
  status: "5.1.1",
  diagnostic: "smtp; 550 5.1.1 user unknown",
};

export function webhookTraffic(
  sent: readonly SentMail[],
  privateKeyPem: string,
  send: (r: Request) => Promise<Answer>,
) {
  /** SNS MessageIds answered 200. */
  const acked = new Set<string>();
  /** Indexes of the sent mails whose event was answered 200 at least once. */
  const reported = new Set<number>();
  const recent: { body: string; message: string; id: string; mail: number }[] = [];
  let nextMail = 0;
  let version: "1" | "2" = "1";

  const sign = (message: string) => {
    const id = randomUUID();
    version = version === "1" ? "2" : "1";
    const body = JSON.stringify(
      signSnsMessage(
        {
          Type: "Notification",
          MessageId: id,
          TopicArn: SIMULATOR_TOPIC_ARN,
          Message: message,
          Timestamp: new Date().toISOString(),
          SigningCertURL: CERT_URL,
        },
        version,
        privateKeyPem,
      ),
    );
    return { id, body };
  };

  const next = (i: number) => {
    if (i % REPEAT_EVERY === REPEAT_EVERY - 1 && recent.length > 0) {
      const r = recent[(i * 7) % recent.length]!;
      return Math.floor(i / REPEAT_EVERY) % 2 === 0 ? r : { ...r, ...sign(r.message) };
    }
    if (nextMail >= sent.length) throw new Error("the soak prepared too few sent mails");
    const k = nextMail++;
    const mail = sent[k]!;
    const message = sesEventJson(
      k % BOUNCE_EVERY === 0 ? BOUNCE : { kind: "delivery" },
      {
        messageId: mail.ses,
        from: "Soak <soak@sendwell.localhost>",
        to: mail.to,
        subject: "Soak",
        sentAt: new Date(Date.now() - 2_000),
      },
      new Date(),
      "event",
    );
    const posted = { ...sign(message), message, mail: k };
    recent.push(posted);
    if (recent.length > 200) recent.shift();
    return posted;
  };

  const fire = async (i: number): Promise<Answer> => {
    const { id, body, mail } = next(i);
    const answer = await send({
      method: "POST",
      path: "/api/webhooks/ses",
      headers: {
        "content-type": "text/plain; charset=UTF-8",
        "x-amz-sns-message-type": "Notification",
        "x-amz-sns-message-id": id,
        "x-amz-sns-topic-arn": SIMULATOR_TOPIC_ARN,
      },
      body,
    });
    if (answer.status === 200) {
      acked.add(id);
      reported.add(mail);
    }
    return answer;
  };

  return { fire, acked, reported };
}
