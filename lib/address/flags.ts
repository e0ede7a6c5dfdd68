import { createRequire } from "node:module";
import { localPartOf } from "./normalise";

/**
 * The list (121,570 domains) is read with `require`, not imported: Next.js's bundler turns an ESM
 * import of a JSON array into a namespace with one getter closure per element, about 20 MB of heap
 * for each of the three server layers that load this file (seen in `next start`'s heap snapshots
 * during `npm run soak`). `require` gives the array itself, once per process.
 */
const requireJson = createRequire(import.meta.url);

// On globalThis: every bundle layer that loads this module shares one set, built on first use
// (120k entries cost a few milliseconds that most imports never need).
const holder = globalThis as typeof globalThis & { __sendwellDisposable?: Set<string> };

function disposableSet(): Set<string> {
  holder.__sendwellDisposable ??= new Set<string>([
    ...(requireJson("disposable-email-domains/index.json") as string[]),
    ...(requireJson("disposable-email-domains/wildcard.json") as string[]),
  ]);
  return holder.__sendwellDisposable;
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
