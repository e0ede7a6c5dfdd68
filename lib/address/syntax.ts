export type SyntaxProblem =
  | "empty"
  | "too_long"
  | "control_character"
  | "whitespace"
  | "no_at"
  | "quoted_local_part"
  | "comment"
  | "bad_local_part"
  | "bad_domain";

// CR, LF and NUL are how headers get injected; the rest of C0, DEL, C1 and the Unicode line
// separators have no business in an address either. Tab is reported as whitespace.
const CONTROL = /[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]/;
const WHITESPACE = /\s/;
// RFC 5322 dot-atom over atext; ASCII only, because SES does not support SMTPUTF8 local parts.
const DOT_ATOM = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const LDH_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;

// RFC 5321 path limit (256 minus the angle brackets) and its local-part limit.
const MAX_ADDRESS = 254;
const MAX_LOCAL = 64;
const MAX_DOMAIN = 253;

/** What is wrong with a normalised address for sending through SES, or null when nothing is. */
export function syntaxProblem(address: string): SyntaxProblem | null {
  if (address === "") return "empty";
  if (CONTROL.test(address)) return "control_character";
  const at = address.lastIndexOf("@");
  const local = at < 0 ? address : address.slice(0, at);
  // Quoted strings and comments are legal RFC 5322 but let spaces and '@' hide in an address,
  // and many receivers (and our own header handling) treat them differently; we refuse them.
  if (local.includes('"')) return "quoted_local_part";
  if (address.includes("(") || address.includes(")")) return "comment";
  if (WHITESPACE.test(address)) return "whitespace";
  if (address.length > MAX_ADDRESS) return "too_long";
  if (at < 0) return "no_at";
  if (local.length > MAX_LOCAL) return "too_long";
  // A second '@' outside quotes is never valid.
  if (local.includes("@")) return "bad_local_part";
  // Japanese carriers once issued addresses like taro..yamada.@docomo.ne.jp (docomo, ezweb);
  // SES rejects them, so they fail here rather than at send time.
  if (!DOT_ATOM.test(local)) return "bad_local_part";
  return isSendableDomain(address.slice(at + 1)) ? null : "bad_domain";
}

/** A host name we can send to: two or more LDH labels, no IP literal, a TLD that is not numeric. */
export function isSendableDomain(domain: string): boolean {
  if (domain.length === 0 || domain.length > MAX_DOMAIN) return false;
  const labels = domain.split(".");
  if (labels.length < 2) return false;
  if (!labels.every((label) => LDH_LABEL.test(label))) return false;
  return !/^[0-9]+$/.test(labels[labels.length - 1]!);
}
