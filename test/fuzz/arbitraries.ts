/** What the fuzz suite generates for the feedback parsers and the webhook. */
import fc from "fast-check";
import {
  eventBounce,
  eventComplaint,
  eventDelivery,
  notificationBounce,
} from "@/test/fixtures/ses";

/** Strings that have broken parsers: prototype keys, NUL, lone surrogates, odd dates, huge ones. */
export const NASTY = [
  "",
  "constructor",
  "__proto__",
  "toString",
  "hasOwnProperty",
  "Bounce\u0000",
  "\u0000",
  "\ud800",
  "a@b.c\u0000d",
  "-271821-04-20T00:00:00.000Z",
  "+275760-09-13T00:00:00.000Z",
  "0000-01-01T00:00:00Z",
  "-004713-11-24T00:00:00Z",
  "2026-02-30T25:61:00Z",
  "x".repeat(100_000),
];
export const nastyString = fc.oneof(
  fc.constantFrom(...NASTY),
  fc.string({ unit: "binary", maxLength: 40 }),
);
export const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 2, arbitrary: nastyString },
);

/** An SES event (either generation) with any of its fields replaced by anything. */
export const sesLike = fc
  .record({
    base: fc.constantFrom(
      () => eventBounce(),
      () => eventComplaint(),
      () => eventDelivery(),
      () => notificationBounce(),
    ),
    changes: fc.array(
      fc.tuple(
        fc.constantFrom(
          "eventType",
          "notificationType",
          "mail",
          "mail.messageId",
          "mail.timestamp",
          "mail.tags",
          "mail.destination",
          "bounce",
          "bounce.bouncedRecipients",
          "bounce.bounceType",
          "bounce.timestamp",
          "complaint.complainedRecipients",
          "delivery.recipients",
          "delivery.timestamp",
        ),
        fc.oneof(anyJson, fc.array(fc.oneof(anyJson, fc.record({ emailAddress: nastyString })))),
      ),
      { maxLength: 4 },
    ),
  })
  .map(({ base, changes }) => {
    const event = base() as Record<string, unknown>;
    for (const [path, value] of changes) {
      const [head, tail] = path.split(".") as [string, string | undefined];
      if (tail === undefined) event[head] = value;
      else if (event[head] && typeof event[head] === "object") {
        (event[head] as Record<string, unknown>)[tail] = value;
      }
    }
    return event;
  });
