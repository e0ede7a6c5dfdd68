import disposableList from "disposable-email-domains/index.json";
import wildcardList from "disposable-email-domains/wildcard.json";
import { localPartOf } from "./normalise";

let disposable: Set<string> | undefined;

// Built on first use: 120k entries cost a few milliseconds that most imports never need.
function disposableSet(): Set<string> {
  disposable ??= new Set<string>([...disposableList, ...wildcardList]);
  return disposable;
}

/** A throwaway-inbox domain, or a subdomain of one (x.mailinator.com). */
export function isDisposableDomain(domain: string): boolean {
  const labels = domain.trim().toLowerCase().replace(/\.$/, "").split(".");
  const set = disposableSet();
  // Stop before the bare TLD: the list names registrable domains, never "com".
  for (let i = 0; i < labels.length - 1; i++) {
    if (set.has(labels.slice(i).join("."))) return true;
  }
  return false;
}

// Mailboxes that belong to a function, not a person: nobody activates an account from them,
// and mail to them is the likeliest to be reported as spam.
const ROLE_LOCAL_PARTS = new Set([
  "admin",
  "administrator",
  "webmaster",
  "postmaster",
  "hostmaster",
  "abuse",
  "info",
  "support",
  "sales",
  "contact",
  "noreply",
  "no-reply",
  "donotreply",
  "do-not-reply",
  "mailer-daemon",
  "root",
  "security",
  "billing",
  "office",
  "help",
  "marketing",
  "newsletter",
  "team",
  "jobs",
  "careers",
  "privacy",
]);

/** A role mailbox such as info@ or support+jp@, whatever the domain. */
export function isRoleAddress(address: string): boolean {
  const local = localPartOf(address).toLowerCase();
  const plus = local.indexOf("+");
  return ROLE_LOCAL_PARTS.has(plus < 0 ? local : local.slice(0, plus));
}
