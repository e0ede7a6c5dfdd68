/**
 * What is wrong with an address, in one set of words for every place that checks one: the member
 * form, the bulk registration's rows, and every path that queues mail to a stored address.
 */
import type { AddressCheck } from "./check";
import type { DomainVerdict } from "./domain-verdict";
import { domainOf } from "./normalise";
import type { SyntaxProblem } from "./syntax";

export type AddressProblemCode =
  | "email_invalid"
  | "suppressed_address"
  | "domain_not_found"
  | "typo_suggestion"
  | "disposable_address"
  | "role_address";

export type AddressProblem = {
  code: AddressProblemCode;
  /** error: mail to it cannot be sent; warning: it can, but someone should look. */
  severity: "error" | "warning";
  message: string;
  /** The corrected address, where there is a likely one. */
  suggestion?: string;
  /**
   * A person who knows better may keep the address as it is ("This address exists"): a typo
   * suggestion or a domain our DNS did not find. A malformed or suppressed address, never.
   */
  overridable: boolean;
};

/** What each syntax problem is, said so a person can fix it. */
export const SYNTAX_MESSAGES: Record<SyntaxProblem, string> = {
  empty: "The e-mail address is empty.",
  too_long: "The e-mail address is too long (at most 254 characters, 64 before the @).",
  control_character: "The e-mail address contains a line break or another invisible character.",
  whitespace: "The e-mail address contains a space.",
  no_at: "The e-mail address has no @ (an address looks like taro@example.com).",
  quoted_local_part: "The e-mail address contains quotes, which we cannot send to.",
  comment: "The e-mail address contains brackets, which we cannot send to.",
  bad_local_part:
    "The part before the @ is not valid (for example two dots in a row, a dot at either end, a second @, or non-ASCII letters).",
  bad_domain: "The part after the @ is not a valid domain name.",
};

export type AddressFacts = {
  /** The address is on the account's or the tenant's suppression list. */
  suppressed: boolean;
  /** The domain's verdict, when it was looked up; unknown and missing do not count against it. */
  domain?: Pick<DomainVerdict, "status">;
};

const error = (code: AddressProblemCode, message: string, overridable = false): AddressProblem => ({
  code,
  severity: "error",
  message,
  overridable,
});
const warning = (
  code: AddressProblemCode,
  message: string,
  overridable = false,
): AddressProblem => ({
  code,
  severity: "warning",
  message,
  overridable,
});

/** Every problem of a checked address, errors first, given what the database and DNS say of it. */
export function addressProblems(check: AddressCheck, facts: AddressFacts): AddressProblem[] {
  if (check.address === null) {
    const what = SYNTAX_MESSAGES[check.problem ?? "bad_domain"];
    return [
      check.suggestion
        ? {
            ...error(
              "email_invalid",
              `${what} Did you mean ${check.suggestion}? Correct the address or leave it empty.`,
            ),
            suggestion: check.suggestion,
          }
        : error("email_invalid", `${what} Correct the address or leave it empty.`),
    ];
  }
  const address = check.address;
  const problems: AddressProblem[] = [];
  if (facts.suppressed) {
    problems.push(
      error(
        "suppressed_address",
        `Mail to ${address} bounced or was reported as spam before, so we cannot send to it. Ask the member for another address or leave it empty.`,
      ),
    );
  }
  const domain = domainOf(address);
  if (facts.domain?.status === "not_found") {
    problems.push(
      error(
        "domain_not_found",
        `The domain ${domain} does not exist or cannot receive mail, so mail to it would bounce. Check the address for a typo, or leave it empty.`,
        true,
      ),
    );
  }
  if (check.suggestion) {
    problems.push({
      ...warning(
        "typo_suggestion",
        `Did you mean ${check.suggestion}? ${address} looks like a typo. Apply the suggestion or check the address with the member.`,
        true,
      ),
      suggestion: check.suggestion,
    });
  }
  if (check.disposable) {
    problems.push(
      warning(
        "disposable_address",
        `${address} is a throwaway address that may stop working soon. Ask the member for a permanent address.`,
      ),
    );
  }
  if (check.role) {
    problems.push(
      warning(
        "role_address",
        `${address} is a shared address (such as info@ or admin@), not a person's. Use the member's own address if they have one.`,
      ),
    );
  }
  return problems;
}
