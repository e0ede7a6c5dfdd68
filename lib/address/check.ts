import { defaultDomainChecker, type DomainChecker, type DomainVerdict } from "./domain-verdict";
import { isDisposableDomain, isRoleAddress } from "./flags";
import { domainOf, normaliseAddress } from "./normalise";
import { syntaxProblem, type SyntaxProblem } from "./syntax";
import { suggestDomain } from "./typo";

export type AddressCheck = {
  input: string;
  address: string | null;
  problem: SyntaxProblem | null;
  suggestion: string | null;
  disposable: boolean;
  role: boolean;
};

export type AddressCheckWithDomain = AddressCheck & {
  /** null when the address is unusable already, so no lookup was made. */
  domain: DomainVerdict | null;
};

/** Everything that can be said about an address without the network. */
export function checkAddressSyntax(raw: string): AddressCheck {
  const normalised = normaliseAddress(raw);
  // When normalisation fails, the raw text still says why (no '@', a newline, a bad domain);
  // what passes that check yet failed is a domain that domainToASCII refused.
  const problem =
    normalised === null ? (syntaxProblem(raw.trim()) ?? "bad_domain") : syntaxProblem(normalised);
  const address = problem === null ? normalised : null;
  return {
    input: raw,
    address,
    problem,
    suggestion: normalised === null ? null : suggestDomain(normalised),
    disposable: address !== null && isDisposableDomain(domainOf(address)),
    role: address !== null && isRoleAddress(address),
  };
}

/** checkAddressSyntax plus the domain's DNS verdict, for usable addresses only. */
export async function checkAddress(
  raw: string,
  checker: DomainChecker = defaultDomainChecker(),
): Promise<AddressCheckWithDomain> {
  const check = checkAddressSyntax(raw);
  const domain = check.address === null ? null : await checker.verdict(domainOf(check.address));
  return { ...check, domain };
}
