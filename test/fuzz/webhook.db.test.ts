/**
 * Fuzzing the SES webhook end to end on the database: a notification signed as SNS signs it,
 * carrying any SES event, is stored (200) or refused as not an SES event (400), never a 500 (which
 * SNS retries three times and then drops). A body over 256 KB is refused with 413 as it streams.
 */
import { eq, or, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/db/client";
import { sesEvents } from "@/db/schema";
import { handleSesWebhook, type WebhookDeps } from "@/lib/feedback/webhook";
import { makeSigningCertificate } from "@/sim/feedback-simulator";
import { signSnsMessage } from "@/sim/sns-signing";
import { SIMULATOR_TOPIC_ARN } from "@/sim/feedback-simulator";
import { CERT_URL, signedNotification, testWebhookDeps } from "@/test/feedback";
import { eventDelivery } from "@/test/fixtures/ses";
import fc from "fast-check";
import { NASTY, sesLike, STRANGE_TEXT } from "./arbitraries";
import { fuzz } from "./fuzz";

let keys: { privateKeyPem: string; certPem: string };
let deps: WebhookDeps;
beforeAll(async () => {
  keys = await makeSigningCertificate();
  deps = testWebhookDeps(keys.certPem);
});

/** SubscribeURLs: SNS's own, and the near misses an attacker would try to make us fetch. */
const SUBSCRIBE_URLS = [
  "https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=t&Token=x",
  "https://sns.cn-north-1.amazonaws.com.cn/?Action=ConfirmSubscription",
  "http://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription",
  "https://sns.us-east-1.amazonaws.com.evil.example/?Action=ConfirmSubscription",
  "https://evil.example/?sns.us-east-1.amazonaws.com",
  "https://user:pass@sns.us-east-1.amazonaws.com/",
  "https://sns.us-east-1.amazonaws.com:8443/",
  "https://sns.us-east-1.amazonaws.com\\@evil.example/",
  "https://sns.us-east-1.amazonaws.com/#@evil.example",
  "https://127.0.0.1/",
  "https://sns.us-east-1.amazonaws.com%2eevil.example/",
  "https://sns.us-east-1.amazonaws.com\t.evil.example/",
];
const SNS_HOST = /^sns\.[a-z]{2}(?:-[a-z]+)+-\d\.amazonaws\.com(?:\.cn)?$/;

describe("fuzz: the SES webhook", () => {
  it("confirms a subscription only at SNS's own address, and never answers 500", async () => {
    const fetched: string[] = [];
    const confirming = {
      ...deps,
      log: () => {},
      confirm: async (url: string) => {
        fetched.push(url);
        return { ok: true, status: 200 };
      },
    };
    const confirmation = fc.record({
      type: fc.constantFrom(
        "SubscriptionConfirmation" as const,
        "UnsubscribeConfirmation" as const,
      ),
      url: fc.oneof(
        fc.constantFrom(...SUBSCRIBE_URLS),
        STRANGE_TEXT.filter((t) => t !== ""),
      ),
      token: STRANGE_TEXT.filter((t) => t !== ""),
      message: STRANGE_TEXT,
    });
    await fuzz(
      "feedback: subscription confirmations through the webhook",
      confirmation,
      async ({ type, url, token, message }) => {
        fetched.length = 0;
        const body = signSnsMessage(
          {
            Type: type,
            MessageId: crypto.randomUUID(),
            TopicArn: SIMULATOR_TOPIC_ARN,
            Message: message,
            Timestamp: new Date().toISOString(),
            SigningCertURL: CERT_URL,
            SubscribeURL: url,
            Token: token,
          },
          "2",
          keys.privateKeyPem,
        );
        const answer = await handleSesWebhook(JSON.stringify(body), confirming);
        expect(answer.status, JSON.stringify(answer.body)).not.toBe(500);
        for (const target of fetched) {
          const parsed = new URL(target);
          expect(parsed.protocol).toBe("https:");
          expect(parsed.hostname, target).toMatch(SNS_HOST);
          expect(parsed.port + parsed.username + parsed.password).toBe("");
        }
        // SNS's own address, and a message (an empty one is refused with 400): confirmed once.
        if (type === "SubscriptionConfirmation" && url === SUBSCRIBE_URLS[0] && message !== "") {
          expect(answer.status).toBe(200);
          expect(fetched).toEqual([url]);
        }
      },
      {
        runs: 40,
        examples: SUBSCRIBE_URLS.slice(0, 4).map((url) => ({
          type: "SubscriptionConfirmation" as const,
          url,
          token: "token",
          message: "You have chosen to subscribe to the topic.",
        })),
      },
    );
  });

  it("stores any signed SES event or refuses it with 400, never a 500", async () => {
    const logged: string[] = [];
    const quiet = { ...deps, log: (m: string) => void logged.push(m) };
    await fuzz(
      "feedback: signed events through the webhook",
      sesLike,
      async (event) => {
        const body = signedNotification(keys.privateKeyPem, event);
        const answer = await handleSesWebhook(body, quiet);
        expect(
          [200, 400],
          `${answer.status} ${JSON.stringify(answer.body)} ${logged.at(-1)}`,
        ).toContain(answer.status);
        if (answer.status === 200) {
          const messageId = (JSON.parse(body) as { MessageId: string }).MessageId;
          // Stored under its own SNS id, or noted as a copy of the same SES event.
          const [row] = await db
            .select({ id: sesEvents.id })
            .from(sesEvents)
            .where(
              or(
                eq(sesEvents.snsMessageId, messageId),
                sql`${messageId} = any(${sesEvents.duplicateSnsIds})`,
              ),
            );
          expect(row, "a 200 means the event is stored").toBeDefined();
        }
      },
      {
        runs: 60,
        // Once a 500 at every SNS retry: jsonb refuses \u0000 and lone surrogates, text refuses NUL,
        // timestamptz refuses dates before 4713 BC.
        examples: [
          { ...eventDelivery(), eventType: "Delivery\u0000" },
          { ...eventDelivery(), note: "\u0000", "\ud800": "\udc00x" },
          { ...eventDelivery(), mail: { messageId: "m\u0000", timestamp: NASTY[9] } },
          { ...eventDelivery(), delivery: { recipients: ["a@b.c\u0000d"], timestamp: NASTY[9] } },
        ],
      },
    );
  });
});
