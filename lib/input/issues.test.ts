import { describe, expect, it } from "vitest";
import { z } from "zod";
import { sentenceForIssue } from "./issues";

const messageOf = (schema: z.ZodType, input: unknown) =>
  schema.safeParse(input, { error: sentenceForIssue }).error?.issues[0]?.message;

describe("sentenceForIssue", () => {
  // What the fuzz found in every form: zod's own words, shown beside the field.
  it("says what to do where zod would say 'Invalid input: expected string, received undefined'", () => {
    expect(messageOf(z.string(), undefined)).toBe("Fill this in.");
    expect(messageOf(z.string(), new File(["x"], "x.bin"))).toBe(
      "Type text here: a file cannot go in this field.",
    );
    expect(messageOf(z.coerce.number(), "abc")).toBe("Enter a number here.");
  });

  it("gives the limit and the length where zod would say 'Too big: expected string to have <=16 characters'", () => {
    expect(messageOf(z.string().max(16), "x".repeat(20))).toBe(
      "Use at most 16 characters here (this has 20).",
    );
    expect(messageOf(z.string().min(1), "")).toBe("Fill this in.");
    expect(messageOf(z.string().min(8), "abc")).toBe("Use at least 8 characters here.");
    expect(messageOf(z.coerce.number().int().max(10), "11")).toBe(
      "Enter a number no larger than 10.",
    );
    expect(messageOf(z.enum(["a", "b"]), "c")).toBe("Choose one of the options offered.");
    expect(messageOf(z.email(), "nope")).toBe(
      "This is not an e-mail address. Check it and try again.",
    );
  });

  it("leaves a schema's own message alone", () => {
    expect(messageOf(z.string().max(3, "Three at most."), "abcd")).toBe("Three at most.");
  });
});
