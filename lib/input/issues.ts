import type { z } from "zod";

/**
 * A sentence for what zod finds wrong with a form field, where the schema gave none of its own
 * (zod's defaults read "Invalid input: expected string, received undefined" or "Too big: expected
 * string to have <=16 characters"). A schema's own message always wins over these.
 */
export function sentenceForIssue(issue: z.core.$ZodRawIssue): string {
  switch (issue.code) {
    case "invalid_type":
      if (issue.input === undefined || issue.input === null) return "Fill this in.";
      if (typeof File !== "undefined" && issue.input instanceof File) {
        return "Type text here: a file cannot go in this field.";
      }
      return issue.expected === "number" || issue.expected === "int"
        ? "Enter a number here."
        : "This value is not of the kind this field takes. Check it and try again.";
    case "too_big":
      return issue.origin === "string"
        ? `Use at most ${issue.maximum.toLocaleString("en-US")} characters here${lengthOf(issue.input)}.`
        : issue.origin === "array" || issue.origin === "set"
          ? `Choose at most ${issue.maximum.toLocaleString("en-US")} here.`
          : `Enter a number no larger than ${issue.maximum.toLocaleString("en-US")}.`;
    case "too_small":
      if (issue.origin === "string") {
        return Number(issue.minimum) <= 1
          ? "Fill this in."
          : `Use at least ${issue.minimum.toLocaleString("en-US")} characters here.`;
      }
      return issue.origin === "array" || issue.origin === "set"
        ? `Choose at least ${issue.minimum.toLocaleString("en-US")} here.`
        : `Enter a number no smaller than ${issue.minimum.toLocaleString("en-US")}.`;
    case "invalid_format":
      return issue.format === "email"
        ? "This is not an e-mail address. Check it and try again."
        : "This is not in the form this field takes. Check it and try again.";
    case "invalid_value":
      return "Choose one of the options offered.";
    default:
      return "This value cannot be used here. Check it and try again.";
  }
}

function lengthOf(input: unknown): string {
  return typeof input === "string" ? ` (this has ${input.length.toLocaleString("en-US")})` : "";
}
