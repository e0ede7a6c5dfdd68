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

/**
 * Text as a person or a script sends it in a form field, a query parameter or an id: any Unicode
 * without control characters (another test sends those), edge values, injections, and strings from
 * 70 KB to 2 MB.
 */
export const STRANGE_TEXT: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: "binary", maxLength: 40 }).map(withoutControls) },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      "",
      " ",
      "0",
      "-1",
      "1e309",
      "NaN",
      "null",
      "true",
      "[]",
      "{}",
      "__proto__",
      "constructor",
      "00000000-0000-0000-0000-000000000000",
      "99999999999999999999999999",
      "2147483648",
      "'; drop table users; --",
      "<script>alert(1)</script>",
      "../../../etc/passwd",
      "%00",
      "a@b",
      "ログインID",
      "😀".repeat(50),
      "x".repeat(70_000),
    ),
  },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 100_000, max: 2_000_000 }).map((n) => "y".repeat(n)),
  },
);

function withoutControls(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g, "");
}
