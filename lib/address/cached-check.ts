import type { AddressCheck } from "./check";
import { isDisposableDomain, isRoleAddress } from "./flags";
import { domainOf, localPartOf, normaliseAddress } from "./normalise";
import { syntaxProblem } from "./syntax";
import { suggestDomain } from "./typo";

/**
 * checkAddressSyntax with the per-domain work (the typo search, about 70 µs, and the disposable
 * list) done once per distinct domain: a 100,000-row import has a few hundred domains, and without
 * this the typo search alone takes seconds. Same answers as checkAddressSyntax (a test holds it to
 * that); a typo suggestion depends only on the domain, the local part is copied across.
 */
export class CachedAddressChecker {
  readonly #suggestions = new Map<string, string | null>();
  readonly #disposable = new Map<string, boolean>();

  /** How many distinct domains it has seen: a long-lived checker is replaced past a bound. */
  get domains(): number {
    return this.#suggestions.size;
  }

  check(raw: string): AddressCheck {
    const normalised = normaliseAddress(raw);
    const problem =
      normalised === null ? (syntaxProblem(raw.trim()) ?? "bad_domain") : syntaxProblem(normalised);
    const address = problem === null ? normalised : null;
    return {
      input: raw,
      address,
      problem,
      suggestion: normalised === null ? null : this.#suggest(normalised),
      disposable: address !== null && this.#isDisposable(domainOf(address)),
      role: address !== null && isRoleAddress(address),
    };
  }

  #suggest(normalised: string): string | null {
    const domain = domainOf(normalised);
    let suggested = this.#suggestions.get(domain);
    if (suggested === undefined) {
      const whole = suggestDomain(`x@${domain}`);
      suggested = whole === null ? null : domainOf(whole);
      this.#suggestions.set(domain, suggested);
    }
    if (suggested === null) return null;
    const suggestion = `${localPartOf(normalised)}@${suggested}`;
    return syntaxProblem(suggestion) === null ? suggestion : null;
  }

  #isDisposable(domain: string): boolean {
    let disposable = this.#disposable.get(domain);
    if (disposable === undefined) {
      disposable = isDisposableDomain(domain);
      this.#disposable.set(domain, disposable);
    }
    return disposable;
  }
}
