import { createHash, randomBytes, randomInt, timingSafeEqual } from "node:crypto";

/** A URL-safe single-use token for links (256 bits). */
export function newLinkToken(): string {
  return randomBytes(32).toString("base64url");
}

/**
 * Link tokens for a batch (a bulk registration's invitations): the random bytes of all of them are
 * drawn in one call, which is ten times faster than a call each. Past `count` it draws singly.
 */
export function linkTokenPool(count: number): () => string {
  const bytes = randomBytes(32 * Math.max(0, count));
  let used = 0;
  return () => {
    if (used >= count) return newLinkToken();
    const token = bytes.subarray(used * 32, (used + 1) * 32).toString("base64url");
    used += 1;
    return token;
  };
}

// No 0/O, 1/I/L: a code is read off paper and typed by hand.
const CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";

/** A 10-character activation code for members without an address (about 49 bits). */
export function newActivationCode(): string {
  let code = "";
  for (let i = 0; i < 10; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return code;
}

/** What a person may type for a code: any case, spaces or hyphens between groups. */
export function normaliseCode(input: string): string {
  return input.toUpperCase().replace(/[\s-]/g, "");
}

/** Codes print in two groups of five: ABCDE-FGHJK. */
export function formatCode(code: string): string {
  return `${code.slice(0, 5)}-${code.slice(5)}`;
}

export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, "hex");
  const y = Buffer.from(b, "hex");
  return x.length === y.length && timingSafeEqual(x, y);
}
