/**
 * What must never be in a server log: secrets, tokens, passwords, or a list of addresses. Used by
 * the e2e run's teardown on the app's captured output (scripts/serve.ts writes it) and tested on
 * its own in log-scan.test.ts.
 */
/** Where and what, never the value itself (the report must not repeat the leak). */
export type LogFinding = { line: number; what: string };

const PATTERNS: { what: string; re: RegExp }[] = [
  { what: "a private key", re: /-----BEGIN [A-Z ]*PRIVATE KEY-----/ },
  { what: "a password hash", re: /\$argon2(id|i|d)\$/ },
  // Auth.js session tokens and other JWTs/JWEs: base64url JSON headers.
  { what: "a JWT or session token", re: /\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/ },
  { what: "a session cookie", re: /authjs\.(session-token|csrf-token)=[^;\s]{8,}/ },
  // Activation, reset and login links carry their token in the query.
  { what: "a token in a link", re: /[?&](token|code|c)=[A-Za-z0-9_-]{16,}/ },
  {
    what: "a password field",
    re: /["']?(password|passwd|secret|confirm)["']?\s*[:=]\s*["']?[^\s"',}]{4,}/i,
  },
  { what: "AWS credentials", re: /\b(AKIA|ASIA)[A-Z0-9]{16}\b|aws_secret_access_key/i },
];

const ADDRESS = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
/** More distinct addresses than this on one line is a list, not a mention. */
export const MAX_ADDRESSES_PER_LINE = 3;

/**
 * Scans log text; `secrets` are exact values (AUTH_SECRET, the demo password, the passwords the
 * specs type) that must not appear anywhere.
 */
export function scanLog(text: string, secrets: readonly string[] = []): LogFinding[] {
  const findings: LogFinding[] = [];
  const lines = text.split("\n");
  lines.forEach((raw, i) => {
    const found = (what: string) => findings.push({ line: i + 1, what });
    for (const s of secrets) if (s.length >= 6 && raw.includes(s)) found("a secret value");
    for (const { what, re } of PATTERNS) if (re.test(raw)) found(what);
    const addresses = new Set(raw.match(ADDRESS)?.map((a) => a.toLowerCase()) ?? []);
    if (addresses.size > MAX_ADDRESSES_PER_LINE) found(`a list of ${addresses.size} addresses`);
  });
  return findings;
}
