/**
 * Errors a person can act on. The message is shown as it is; anything else is logged with its
 * detail and shown as a generic sentence (database errors never reach the page).
 */
export type UserErrorCode = "not_found" | "conflict" | "invalid" | "forbidden" | "rate_limited";

export class UserError extends Error {
  override name = "UserError";
  constructor(
    readonly code: UserErrorCode,
    message: string,
    readonly field?: string,
    /** A one-click fix for the field, e.g. a corrected address. */
    readonly suggestion?: string,
  ) {
    super(message);
  }
}

export const GENERIC_FAILURE =
  "Something went wrong on our side and nothing was changed. Try again in a moment.";
