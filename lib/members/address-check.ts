import { db } from "@/db/client";
import {
  addressProblems,
  CachedAddressChecker,
  checkAddress,
  checkAddressSyntax,
  type AddressProblem,
} from "@/lib/address";
import { defaultDomainChecker } from "@/lib/address/domain-verdict";
import { domainOf } from "@/lib/address/normalise";
import { isSuppressed } from "@/lib/suppressions";

export type CheckedAddress = {
  /** The normalised address, or null when it cannot be used at all. */
  address: string | null;
  /** Errors first; empty when nothing is wrong. */
  problems: AddressProblem[];
};

/**
 * The check an address passes before it is stored on a member or mail is queued to it: syntax, a
 * likely typo, the domain's DNS, the tenant's and the account's suppression lists. The same words as
 * the bulk registration's rows (lib/address/problems).
 */
export async function checkMemberAddress(tenantId: string, raw: string): Promise<CheckedAddress> {
  const normalised = checkAddressSyntax(raw).address;
  // The DNS lookup and the suppression list at once; an unusable address needs neither.
  const [check, suppressed] = await Promise.all([
    checkAddress(raw),
    normalised ? isSuppressed(db, tenantId, normalised) : null,
  ]);
  return {
    address: check.address,
    problems: addressProblems(check, {
      suppressed: suppressed !== null,
      domain: check.domain ?? undefined,
    }),
  };
}

/** One thing to say about an address while it is typed, as the form shows it. */
export type AddressAdvice = Pick<AddressProblem, "code" | "severity" | "message" | "suggestion">;

/**
 * What checkMemberAddress finds, for the member form to show when the address field loses focus
 * (before anything is submitted): errors, a likely typo with its fix, a throwaway or shared address.
 */
export async function adviseOnAddress(tenantId: string, raw: string): Promise<AddressAdvice[]> {
  const { problems } = await checkMemberAddress(tenantId, raw);
  return problems.map(({ code, severity, message, suggestion }) => ({
    code,
    severity,
    message,
    ...(suggestion ? { suggestion } : {}),
  }));
}

/**
 * The problem that stops mail to an address, the same for a new address and a stored one: an
 * error (malformed, suppressed, a domain that does not exist) or a likely typo, unless the admin
 * said the address exists and the problem allows that.
 */
export function refusalOf(
  problems: readonly AddressProblem[],
  insisted: boolean,
): AddressProblem | null {
  return (
    problems.find(
      (p) =>
        (p.severity === "error" || p.code === "typo_suggestion") && !(p.overridable && insisted),
    ) ?? null
  );
}

/** What the member table marks on a stored address: a likely typo, or a domain that does not exist. */
export type StoredAddressWarning = {
  code: "typo_suggestion" | "domain_not_found";
  label: string;
  text: string;
  /** The corrected address, for the one-click fix. */
  suggestion?: string;
};

/** Domains the member table's checker remembers before it starts afresh. */
const STORED_CHECK_DOMAINS = 10_000;
let storedChecker = new CachedAddressChecker();

/**
 * A stored address's warning without waiting on the network: the typo check is pure, and a domain
 * counts as dead when a lookup already said so (verdicts are cached; the member's page looks up).
 * The typo search is done once per domain for the whole process (about 1 ms of CPU per page of the
 * member table otherwise, where most rows share a handful of providers).
 */
export function storedAddressWarning(email: string | null): StoredAddressWarning | null {
  if (!email) return null;
  if (storedChecker.domains >= STORED_CHECK_DOMAINS) storedChecker = new CachedAddressChecker();
  const check = storedChecker.check(email);
  if (check.address) {
    const verdict = defaultDomainChecker().cached(domainOf(check.address));
    if (verdict?.status === "not_found") {
      return {
        code: "domain_not_found",
        label: "Domain does not exist",
        text: `The domain ${domainOf(check.address)} does not exist, so mail to it would bounce. Correct the address, or take it off and give an activation code.`,
      };
    }
  }
  if (check.suggestion) {
    return {
      code: "typo_suggestion",
      label: "Likely typo",
      text: `Did you mean ${check.suggestion}? ${email} looks like a typo.`,
      suggestion: check.suggestion,
    };
  }
  return null;
}
