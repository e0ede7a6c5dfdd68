import { db } from "@/db/client";
import {
  addressProblems,
  checkAddressSyntax,
  defaultDomainChecker,
  domainOf,
  type AddressProblem,
} from "@/lib/address";
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
  const check = checkAddressSyntax(raw);
  if (check.address === null)
    return { address: null, problems: addressProblems(check, { suppressed: false }) };
  const [domain, suppressed] = await Promise.all([
    defaultDomainChecker().verdict(domainOf(check.address)),
    isSuppressed(db, tenantId, check.address),
  ]);
  return {
    address: check.address,
    problems: addressProblems(check, { suppressed: suppressed !== null, domain }),
  };
}
