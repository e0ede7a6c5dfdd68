/**
 * Fuzzing the SNS envelope and SES event parsers (lib/feedback/sns, events): any body parses or is
 * refused with a sentence, never a throw; a signed envelope changed in any signed field no longer
 * verifies; and whatever an SES event carries, what the parser hands on can be stored (PostgreSQL
 * text holds no NUL, timestamps start in 4713 BC) and its kind is one of ours.
 */
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { eventKey, parseSesEvent, storableJson, type SesEventKind } from "@/lib/feedback/events";
import { parseSnsEnvelope, SnsVerifier, stringToSign, type SnsMessage } from "@/lib/feedback/sns";
import { makeSigningCertificate, SIMULATOR_TOPIC_ARN } from "@/sim/feedback-simulator";
import { signSnsMessage } from "@/sim/sns-signing";
import { CERT_URL } from "@/test/feedback";
import { eventBounce, eventDelivery } from "@/test/fixtures/ses";
import { anyJson, NASTY, sesLike } from "./arbitraries";
import { expectSentence, fuzz } from "./fuzz";

const KINDS: SesEventKind[] = [
  "bounce",
  "complaint",
  "delivery",
  "send",
  "reject",
  "delivery_delay",
  "other",
];
/** PostgreSQL's timestamptz starts at 4713 BC (astronomical year -4712). */
const PG_MIN_TIME = Date.UTC(-4712, 0, 1);

function expectStorable(value: string | null, what: string) {
  if (value !== null) expect(value.includes("\u0000"), `${what} holds a NUL`).toBe(false);
}

describe("fuzz: the SES event parser", () => {
  it("parses any message into a storable event of one of our kinds, or refuses it with a sentence", async () => {
    const text = fc.oneof(
      { weight: 4, arbitrary: sesLike.map((e) => JSON.stringify(e)) },
      { weight: 1, arbitrary: anyJson.map((v) => JSON.stringify(v) ?? "") },
      { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 60 }) },
    );
    await fuzz(
      "feedback: SES event parser",
      text,
      (message) => {
        const parsed = parseSesEvent(message);
        if (!parsed.ok) {
          expectSentence(parsed.error);
          return;
        }
        const { event } = parsed;
        expect(KINDS).toContain(event.kind);
        for (const [what, value] of Object.entries({
          type: event.type,
          sesMessageId: event.sesMessageId,
          bounceType: event.bounceType,
          bounceSubType: event.bounceSubType,
          feedbackId: event.feedbackId,
        })) {
          expectStorable(value, what);
        }
        for (const r of event.recipients) {
          expect(typeof r).toBe("string");
          expectStorable(r, "a recipient");
        }
        if (event.occurredAt !== null) {
          expect(event.occurredAt.getTime()).toBeGreaterThanOrEqual(PG_MIN_TIME);
        }
        expect(eventKey(event, "sns-id")).toMatch(/^(ses|sns):/);
        // The payload as stored: jsonb holds neither \u0000 nor a lone surrogate.
        const stored = storableJson(message);
        expect(stored).not.toMatch(/\\u0000|\\ud[89a-f][0-9a-f]{2}/i);
        expect(JSON.parse(stored)).toBeTypeOf("object");
      },
      {
        runs: 400,
        examples: [
          JSON.stringify({ eventType: "constructor", mail: { messageId: "m1" } }),
          JSON.stringify({ eventType: "__proto__", mail: { messageId: "m1" } }),
          JSON.stringify({ ...eventBounce(), eventType: "Bounce\u0000" }),
          JSON.stringify({
            ...eventDelivery(),
            mail: { messageId: "m\u0000", timestamp: NASTY[9] },
          }),
          JSON.stringify({
            eventType: "Send",
            mail: { messageId: "m1", destination: ["\ud800@x.y"] },
          }),
        ],
      },
    );
  });
});

describe("fuzz: the SNS envelope", () => {
  let keys: { privateKeyPem: string; certPem: string };
  let verifier: SnsVerifier;
  let signed: SnsMessage;
  beforeAll(async () => {
    keys = await makeSigningCertificate();
    verifier = new SnsVerifier({ trustedCertificatePem: keys.certPem });
    signed = signSnsMessage(
      {
        Type: "Notification",
        MessageId: "6d1d2a6a-7f7f-4c1c-9f3b-1c0d1f1e2a3b",
        TopicArn: SIMULATOR_TOPIC_ARN,
        Subject: "Amazon SES Email Event Notification",
        Message: JSON.stringify(eventDelivery()),
        Timestamp: "2026-12-02T02:00:00.000Z",
        SigningCertURL: CERT_URL,
        UnsubscribeURL: "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe",
      },
      "2",
      keys.privateKeyPem,
    );
  });

  it("parses any body or refuses it with a sentence", async () => {
    const body = fc.oneof(
      fc.string({ unit: "binary", maxLength: 80 }),
      anyJson.map((v) => JSON.stringify(v) ?? ""),
      fc
        .dictionary(
          fc.oneof(
            fc.constantFrom("Type", "MessageId", "__proto__", "SignatureVersion"),
            fc.string(),
          ),
          anyJson,
        )
        .map((o) => JSON.stringify(o)),
    );
    await fuzz(
      "feedback: SNS envelope parser",
      body,
      (text) => {
        const parsed = parseSnsEnvelope(text);
        if (!parsed.ok) expectSentence(parsed.error);
        else expect(typeof parsed.message.Message).toBe("string");
      },
      { runs: 400 },
    );
  });

  it("verifies a signed envelope only while every signed field is as signed", async () => {
    const fields = [
      "Type",
      "MessageId",
      "TopicArn",
      "Subject",
      "Message",
      "Timestamp",
      "SignatureVersion",
      "Signature",
      "SigningCertURL",
      "UnsubscribeURL",
      "Extra",
    ];
    const change = fc.record({
      field: fc.constantFrom(...fields),
      value: fc.oneof(anyJson, fc.constant(undefined)),
      version: fc.constantFrom<"1" | "2">("1", "2"),
    });
    await fuzz(
      "feedback: SNS signature over changed fields",
      change,
      async ({ field, value, version }) => {
        // eslint-disable-next-line @typescript-eslint/no-unused-vars
        const { Signature, SignatureVersion, ...unsigned } = signed;
        const original = signSnsMessage(unsigned, version, keys.privateKeyPem);
        const body: Record<string, unknown> = { ...original };
        if (value === undefined) delete body[field];
        else body[field] = value;
        const parsed = parseSnsEnvelope(JSON.stringify(body));
        if (!parsed.ok) {
          expectSentence(parsed.error);
          return;
        }
        const result = await verifier.verify(parsed.message);
        const same =
          stringToSign(parsed.message) === stringToSign(original) &&
          parsed.message.Signature === original.Signature &&
          parsed.message.SignatureVersion === original.SignatureVersion &&
          parsed.message.SigningCertURL === original.SigningCertURL;
        expect(result.ok, JSON.stringify({ field, value }).slice(0, 200)).toBe(same);
      },
      { runs: 200, examples: [{ field: "Extra", value: 1, version: "2" }] },
    );
  });
});
