import "server-only";
import { GENERIC_FAILURE, UserError, type UserErrorCode } from "@/lib/errors";

const STATUS: Record<UserErrorCode, number> = {
  invalid: 400,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
};

export type Failure = {
  status: number;
  message: string;
  field?: string;
  suggestion?: string;
};

/**
 * What a person is told about an error, in one place for actions, routes and progress streams: a
 * UserError's own sentence (and its HTTP status), or, for anything else, a generic sentence while
 * the detail goes to the log. Database errors never reach a page.
 */
export function failureOf(error: unknown, where: string): Failure {
  if (error instanceof UserError) {
    return {
      status: STATUS[error.code],
      message: error.message,
      field: error.field,
      suggestion: error.suggestion,
    };
  }
  console.error(`[${where}]`, error);
  return { status: 500, message: GENERIC_FAILURE };
}
