import { z } from "zod";
import { MAX_PASSWORD_LENGTH } from "@/lib/auth/password-limits";

// The most common passwords of public breach lists, at 10 characters or more (shorter ones fail anyway).
const COMMON = new Set([
  "1234567890",
  "0123456789",
  "12345678910",
  "123456789a",
  "1q2w3e4r5t",
  "1qaz2wsx3edc",
  "qwertyuiop",
  "qwerty1234",
  "qwerty12345",
  "qwertyuiop123",
  "password12",
  "password123",
  "password1234",
  "passw0rd123",
  "iloveyou12",
  "abcdefghij",
  "abcd123456",
  "a123456789",
  "aaaaaaaaaa",
  "1111111111",
  "0000000000",
  "9876543210",
  "1234qwerasdf",
  "asdfghjkl1",
  "zxcvbnm123",
  "football123",
  "baseball123",
  "welcome123",
  "welcome1234",
  "letmein123",
  "sunshine123",
  "princess123",
  "dragon1234",
  "monkey1234",
  "changeme123",
  "administrator",
  "sendwell123",
  "sendwell-demo",
]);

export const PASSWORD_RULE = "Use at least 10 characters, and not a common password.";

/** The rule for every new password: length, not a well-known one, not the login ID. */
export function passwordProblem(password: string, loginId?: string): string | null {
  if (password.length < 10) return "A password has at least 10 characters.";
  if (password.length > MAX_PASSWORD_LENGTH) {
    return `A password has at most ${MAX_PASSWORD_LENGTH} characters.`;
  }
  const lower = password.toLowerCase();
  if (COMMON.has(lower) || /^(.)\1+$/.test(password)) {
    return "That password is too common. Choose one nobody would guess.";
  }
  if (loginId && lower.includes(loginId.toLowerCase())) {
    return "A password must not contain your login ID.";
  }
  return null;
}

export const newPasswordSchema = z.string().superRefine((value, ctx) => {
  const problem = passwordProblem(value);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});
