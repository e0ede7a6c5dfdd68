import { db } from "@/db/client";
import {
  addressProblems,
  checkAddress,
  checkAddressSyntax,
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
