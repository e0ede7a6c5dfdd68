import { describe, expect, it } from "vitest";
import { eventKey, parseSesEvent } from "./events";
import {
  eventBounce,
  eventComplaint,
  eventDelivery,
  eventDeliveryDelay,
  eventReject,
  eventSend,
  ID,
  notificationBounce,
  notificationComplaint,
  notificationDelivery,
} from "@/test/fixtures/ses";

const parse = (payload: unknown) => {
  const result = parseSesEvent(JSON.stringify(payload));
  if (!result.ok) throw new Error(result.error);
  return result.event;
};

describe("parseSesEvent", () => {
  it("reads a permanent bounce with its type, subtype, recipients and tags", () => {
    expect(parse(eventBounce())).toEqual({
      type: "Bounce",
      kind: "bounce",
      sesMessageId: ID,
      occurredAt: new Date("2017-08-05T00:41:02.669Z"),
      recipients: ["recipient@example.com"],
      bounceType: "Permanent",
      bounceSubType: "General",
      feedbackId: "01000157c44f053b-61b59c11-9236-11e6-8f96-7be8aexample-000000",
      tags: expect.objectContaining({
        outbox_id: ["42"],
        tenant: ["t-1"],
        category: ["invitation"],
      }),
    });
  });

  it("names only the recipients that bounced, normalised", () => {
    const event = parse(
      eventBounce({ to: ["a@example.com", "b@example.com"], bounced: ["B@Example.COM"] }),
    );
    expect(event.recipients).toEqual(["B@example.com"]);
  });

  it("reads a complaint, a delivery, a send, a reject and a delivery delay", () => {
    expect(parse(eventComplaint())).toMatchObject({
      kind: "complaint",
      recipients: ["recipient@example.com"],
    });
    expect(parse(eventDelivery({ to: ["x@example.com", "y@example.com"] }))).toMatchObject({
      kind: "delivery",
      recipients: ["x@example.com", "y@example.com"],
      occurredAt: new Date("2016-10-19T23:21:04.133Z"),
    });
    expect(parse(eventSend())).toMatchObject({
      kind: "send",
      recipients: ["recipient@example.com"],
    });
    expect(parse(eventReject())).toMatchObject({ kind: "reject", type: "Reject" });
    expect(parse(eventDeliveryDelay())).toMatchObject({
      kind: "delivery_delay",
      recipients: ["recipient@example.com"],
    });
  });

  it("reads the older notificationType format the same way", () => {
    expect(parse(notificationBounce({ type: "Transient" }))).toMatchObject({
      kind: "bounce",
      bounceType: "Transient",
      sesMessageId: ID,
      tags: {},
    });
    expect(parse(notificationComplaint())).toMatchObject({ kind: "complaint", type: "Complaint" });
    expect(parse(notificationDelivery())).toMatchObject({ kind: "delivery", type: "Delivery" });
  });

  it("keeps unknown event types and tolerates unknown fields", () => {
    const event = parse({
      eventType: "Subscription",
      mail: { messageId: "m-1", destination: ["a@example.com"] },
      extra: 1,
    });
    expect(event).toMatchObject({ type: "Subscription", kind: "other", sesMessageId: "m-1" });
    expect(parse({ ...eventBounce(), surprise: { nested: true } }).kind).toBe("bounce");
  });

  it("survives missing parts without throwing", () => {
    expect(parse({ eventType: "Bounce" })).toMatchObject({
      kind: "bounce",
      sesMessageId: null,
      recipients: [],
    });
    expect(
      parse({
        eventType: "Delivery",
        mail: { timestamp: "not a date" },
        delivery: { recipients: [7, null] },
      }),
    ).toMatchObject({
      occurredAt: null,
      recipients: [],
    });
  });

  it("refuses what is not an SES event, with a sentence", () => {
    expect(parseSesEvent("not json")).toEqual({ ok: false, error: "The SNS Message is not JSON." });
    expect(parseSesEvent("[1,2]")).toEqual({
      ok: false,
      error: "The SNS Message is not a JSON object.",
    });
    expect(parseSesEvent("{}")).toEqual({
      ok: false,
      error: "The SES event has neither eventType nor notificationType.",
    });
  });
});

describe("eventKey", () => {
  const key = (payload: unknown, sns = "sns-1") => eventKey(parse(payload), sns);

  it("is the SES event's identity, whichever SNS message and format carried it", () => {
    expect(key(eventBounce(), "sns-1")).toBe(key(eventBounce(), "sns-2"));
    expect(key(eventBounce())).toBe(key(notificationBounce()));
    expect(key(eventComplaint())).toBe(key(notificationComplaint(), "sns-3"));
    expect(key(eventDelivery())).toBe(key(notificationDelivery(), "sns-4"));
    // Recipients in another order or case are the same recipients.
    expect(key(eventDelivery({ to: ["a@example.com", "b@example.com"] }))).toBe(
      key(eventDelivery({ to: ["B@example.com", "a@example.com"] })),
    );
  });

  it("tells apart events of another kind, mail, recipient, report or time", () => {
    const keys = [
      key(eventBounce()),
      key(eventComplaint()),
      key(eventDelivery()),
      key(eventSend()),
      key(eventReject()),
      key(eventDeliveryDelay()),
      key(eventBounce({ id: "another-message" })),
      key(eventBounce({ to: ["other@example.com"] })),
      key({ ...eventBounce(), bounce: { ...eventBounce().bounce, feedbackId: "another-report" } }),
      key({
        ...eventDelivery(),
        delivery: { ...eventDelivery().delivery, timestamp: "2016-10-19T23:21:05.000Z" },
      }),
    ];
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.every((k) => /^ses:[\w-]{43}$/.test(k))).toBe(true);
  });

  it("keeps the SNS MessageId as the identity of an event it cannot identify", () => {
    const noMessageId = eventBounce();
    (noMessageId.mail as { messageId?: string }).messageId = undefined;
    expect(key(noMessageId, "sns-9")).toBe("sns:sns-9");
    expect(key({ eventType: "Open", mail: eventDelivery().mail }, "sns-10")).toBe("sns:sns-10");
  });
});
