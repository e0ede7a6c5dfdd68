import { z } from "zod";

/** Login IDs: 5–30 characters, letters, digits and `. _ - @`, starting with a letter or digit. */
export const LOGIN_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@-]{4,29}$/;

const loginIdRules = (whenEmpty: string) =>
  z
    .string()
    .trim()
    .min(1, whenEmpty)
    .min(5, "A login ID has at least 5 characters.")
    .max(30, "A login ID has at most 30 characters.")
    .regex(
      LOGIN_ID_PATTERN,
      "A login ID uses only letters, digits and . _ - @, and starts with a letter or digit.",
    );

/** A person's own login ID (sign-in, activation). */
export const loginIdSchema = loginIdRules("Enter your login ID.");
/** Someone else's, typed by an admin (add a member, sign-in help). */
export const memberLoginIdSchema = loginIdRules("Enter the member's login ID.");

/** Login IDs compare case-insensitively; this is the form used for lookups and lockout keys. */
export function normaliseLoginId(loginId: string): string {
  return loginId.trim().toLowerCase();
}

export const TENANT_SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;
