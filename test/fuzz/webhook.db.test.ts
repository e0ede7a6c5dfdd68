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
import { signedNotification, testWebhookDeps } from "@/test/feedback";
import { eventDelivery } from "@/test/fixtures/ses";
import { NASTY, sesLike } from "./arbitraries";
import { fuzz } from "./fuzz";

let keys: { privateKeyPem: string; certPem: string };
let deps: WebhookDeps;
beforeAll(async () => {
  keys = await makeSigningCertificate();
  deps = testWebhookDeps(keys.certPem);
});

describe("fuzz: the SES webhook", () => {
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
