import { domainToASCII } from "node:url";

// domainToASCII silently drops tabs and newlines ("b.c\nom" -> "b.com"), so a domain holding
// whitespace or control characters is only lower-cased and left for the syntax check to name.
const UNSAFE_IN_DOMAIN = /[\s\x00-\x1f\x7f-\x9f\u2028\u2029]/;

/** The form an address is stored and sent as; null when there is no usable local@domain shape. */
export function normaliseAddress(raw: string): string | null {
  // Japanese keyboards type a full-width at sign (＠, U+FF20); nobody means it literally.
  const trimmed = raw.trim().replace(/\uFF20/g, "@");
  const at = trimmed.lastIndexOf("@");
  if (at <= 0 || at === trimmed.length - 1) return null;
  const local = trimmed.slice(0, at);
  const rawDomain = trimmed.slice(at + 1);
  // domainToASCII maps IDN to punycode, lower-cases, and returns "" for what cannot be a host.
  let domain = UNSAFE_IN_DOMAIN.test(rawDomain)
    ? rawDomain.toLowerCase()
    : domainToASCII(rawDomain);
  if (domain === "") return null;
  if (domain.endsWith(".")) domain = domain.slice(0, -1);
  if (domain === "") return null;
  return `${local}@${domain}`;
}

/** The part after the last '@', lower-cased; "" when there is none. */
export function domainOf(address: string): string {
  const at = address.lastIndexOf("@");
  return at < 0 ? "" : address.slice(at + 1).toLowerCase();
}

/** The part before the last '@' (the whole string when there is none). */
export function localPartOf(address: string): string {
  const at = address.lastIndexOf("@");
  return at < 0 ? address : address.slice(0, at);
}
