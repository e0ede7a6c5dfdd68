/**
 * Amazon SNS message verification for `POST /api/webhooks/ses`.
 *
 * Follows AWS's "Verifying the signatures of Amazon SNS messages": the signing certificate is only
 * ever fetched from `https://sns.<region>.amazonaws.com[.cn]/SimpleNotificationService-<hex>.pem`,
 * and the Base64 `Signature` is checked over the canonical "Name\nValue\n" string with
 * SHA1withRSA (SignatureVersion 1) or SHA256withRSA (SignatureVersion 2).
 *
 * Deliberately free of `server-only` and of Next.js imports: a standalone script uses it too.
 */
import { verify as verifySignature, X509Certificate, type KeyObject } from "node:crypto";

export type SnsType = "Notification" | "SubscriptionConfirmation" | "UnsubscribeConfirmation";
export type SnsMessage = {
  Type: SnsType;
  MessageId: string;
  TopicArn: string;
  Subject?: string; // Notification only, optional
  Message: string;
  Timestamp: string;
  SignatureVersion: "1" | "2";
  Signature: string; // base64
  SigningCertURL: string;
  SubscribeURL?: string; // (Un)SubscriptionConfirmation
  Token?: string; // (Un)SubscriptionConfirmation
  UnsubscribeURL?: string; // Notification
};

// ---------------------------------------------------------------------------------------------
// Envelope parsing
// ---------------------------------------------------------------------------------------------

const SNS_TYPES: readonly SnsType[] = [
  "Notification",
  "SubscriptionConfirmation",
  "UnsubscribeConfirmation",
];
const REQUIRED_STRINGS = [
  "MessageId",
  "TopicArn",
  "Message",
  "Timestamp",
  "Signature",
  "SigningCertURL",
] as const;
const OPTIONAL_STRINGS = ["Subject", "SubscribeURL", "Token", "UnsubscribeURL"] as const;

/** Parses the raw body (SNS posts JSON as text/plain). Never throws. */
export function parseSnsEnvelope(
  body: string,
): { ok: true; message: SnsMessage } | { ok: false; error: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { ok: false, error: "The body is not valid JSON." };
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    return { ok: false, error: "The body is not a JSON object." };
  }
  const raw = parsed as Record<string, unknown>;

  const type = raw.Type;
  if (typeof type !== "string" || !(SNS_TYPES as readonly string[]).includes(type)) {
    return {
      ok: false,
      error: "Type must be Notification, SubscriptionConfirmation or UnsubscribeConfirmation.",
    };
  }
  for (const key of REQUIRED_STRINGS) {
    const value = raw[key];
    if (typeof value !== "string" || value === "") {
      return { ok: false, error: `${key} must be a non-empty string.` };
    }
  }
  if (raw.SignatureVersion !== "1" && raw.SignatureVersion !== "2") {
    return { ok: false, error: 'SignatureVersion must be "1" or "2".' };
  }
  for (const key of OPTIONAL_STRINGS) {
    if (key in raw && typeof raw[key] !== "string") {
      return { ok: false, error: `${key} must be a string when present.` };
    }
  }
  if (type !== "Notification") {
    for (const key of ["SubscribeURL", "Token"] as const) {
      if (typeof raw[key] !== "string" || raw[key] === "") {
        return { ok: false, error: `A ${type} must carry a non-empty ${key}.` };
      }
    }
  }

  // Copy only the known fields: unknown extras are tolerated but not passed on.
  const message: SnsMessage = {
    Type: type as SnsType,
    MessageId: raw.MessageId as string,
    TopicArn: raw.TopicArn as string,
    Message: raw.Message as string,
    Timestamp: raw.Timestamp as string,
    SignatureVersion: raw.SignatureVersion,
    Signature: raw.Signature as string,
    SigningCertURL: raw.SigningCertURL as string,
  };
  for (const key of OPTIONAL_STRINGS) {
    if (typeof raw[key] === "string") message[key] = raw[key];
  }
  return { ok: true, message };
}

// ---------------------------------------------------------------------------------------------
// Canonical string to sign
// ---------------------------------------------------------------------------------------------

const NOTIFICATION_KEYS = ["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"];
const CONFIRMATION_KEYS = [
  "Message",
  "MessageId",
  "SubscribeURL",
  "Timestamp",
  "Token",
  "TopicArn",
  "Type",
];

/** The canonical string SNS signs: "Name\nValue\n" per key, in AWS's order, absent keys skipped. */
export function stringToSign(message: SnsMessage): string {
  const keys = message.Type === "Notification" ? NOTIFICATION_KEYS : CONFIRMATION_KEYS;
  const fields = message as Record<string, unknown>;
  let out = "";
  for (const key of keys) {
    const value = fields[key];
    if (typeof value === "string") out += `${key}\n${value}\n`;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// URL rules
// ---------------------------------------------------------------------------------------------

// Regions: us-east-1, eu-west-2, cn-north-1, us-gov-west-1, ap-southeast-2, ...
const REGION = "[a-z]{2}(?:-[a-z]+)+-\\d";
const HOST = `sns\\.${REGION}\\.amazonaws\\.com(?:\\.cn)?`;
const HOST_PATTERN = new RegExp(`^${HOST}$`);
// Matched against the raw string, before any URL normalisation, so that nothing a URL parser would
// rewrite (backslashes, percent-encoding, dot segments, tabs, userinfo) can slip through.
const CERT_URL_PATTERN = new RegExp(
  `^https://${HOST}(?::443)?/SimpleNotificationService-[0-9a-fA-F]{16,}\\.pem$`,
);
// Any path and query; no whitespace or control characters, no backslash, no fragment.
const ACTION_URL_PATTERN = new RegExp(`^https://${HOST}(?::443)?(?:[/?][^\\s\\\\#]*)?$`);
const MAX_URL_LENGTH = 4096;

/** Cross-checks the raw-string verdict with the WHATWG parser (defence in depth). */
function parsesAsSnsUrl(url: string): URL | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== "https:") return null;
  if (parsed.username !== "" || parsed.password !== "") return null;
  if (parsed.port !== "") return null; // "" also when the default :443 was written out
  if (!HOST_PATTERN.test(parsed.hostname)) return null;
  if (parsed.hash !== "") return null;
  return parsed;
}

/**
 * https only; host exactly `sns.<region>.amazonaws.com[.cn]`; default port; no userinfo; path
 * `/SimpleNotificationService-<hex>.pem` (16+ hex chars); no query or fragment.
 */
export function isValidSigningCertUrl(url: string): boolean {
  if (typeof url !== "string" || url.length > MAX_URL_LENGTH) return false;
  if (!CERT_URL_PATTERN.test(url)) return false;
  const parsed = parsesAsSnsUrl(url);
  return (
    parsed !== null &&
    parsed.search === "" &&
    /^\/SimpleNotificationService-[0-9a-fA-F]{16,}\.pem$/.test(parsed.pathname)
  );
}

/** Same host rule for SubscribeURL/UnsubscribeURL (https, sns.<region>.amazonaws.com[.cn], any path, query allowed). */
export function isValidSnsActionUrl(url: string): boolean {
  if (typeof url !== "string" || url.length > MAX_URL_LENGTH) return false;
  if (/[\u0000-\u001f\u007f]/.test(url)) return false;
  if (!ACTION_URL_PATTERN.test(url)) return false;
  return parsesAsSnsUrl(url) !== null;
}

// ---------------------------------------------------------------------------------------------
// Verifier
// ---------------------------------------------------------------------------------------------

export type CertFetcher = (url: string, signal: AbortSignal) => Promise<string>; // returns PEM text
export type SnsVerifierOptions = {
  fetcher?: CertFetcher; // default: global fetch with the signal, res.ok checked, body text
  timeoutMs?: number; // default 5000 per certificate fetch
  cacheTtlMs?: number; // default 24h; certificates cached per URL; concurrent fetches share one request
  trustedCertificatePem?: string; // development only: use this certificate instead of fetching
  now?: () => number;
};
export type VerifyResult =
  | { ok: true }
  | {
      ok: false;
      reason: "bad_cert_url" | "cert_fetch_failed" | "bad_certificate" | "bad_signature";
    };

/**
 * A parsed signing certificate, with what every verify needs worked out once: reading
 * `X509Certificate.publicKey` makes a new key object each time, and the validity dates are text.
 */
type CertLoad =
  | { ok: true; publicKey: KeyObject; validFrom: number; validTo: number }
  | { ok: false; reason: "cert_fetch_failed" | "bad_certificate" };

type CacheEntry = { load: Promise<CertLoad>; expiresAt: number };

const DEFAULT_TIMEOUT_MS = 5_000;
const DEFAULT_CACHE_TTL_MS = 24 * 60 * 60 * 1000;
/** Bounds memory if many distinct (valid-looking) certificate URLs are presented. */
const MAX_CACHED_CERTIFICATES = 64;
/** A real SNS certificate is ~2 KB; refuse to parse anything absurd. */
const MAX_PEM_LENGTH = 64 * 1024;

const defaultFetcher: CertFetcher = async (url, signal) => {
  // redirect: "error" — the URL was validated; a redirect would lead somewhere that was not.
  const res = await fetch(url, { signal, redirect: "error" });
  if (!res.ok) throw new Error(`Certificate fetch failed with HTTP ${res.status}.`);
  return res.text();
};

function parseCertificate(pem: string): CertLoad {
  if (typeof pem !== "string" || pem.length > MAX_PEM_LENGTH) {
    return { ok: false, reason: "bad_certificate" };
  }
  try {
    const certificate = new X509Certificate(pem);
    const publicKey = certificate.publicKey;
    // SNS signs with RSA; "SHA1withRSA"/"SHA256withRSA" mean nothing for another key type.
    if (publicKey.asymmetricKeyType !== "rsa") {
      return { ok: false, reason: "bad_certificate" };
    }
    // Node 20 has no validFromDate/validToDate; validFrom/validTo look like "Nov 27 21:44:50 2026 GMT".
    const validFrom = Date.parse(certificate.validFrom);
    const validTo = Date.parse(certificate.validTo);
    if (Number.isNaN(validFrom) || Number.isNaN(validTo)) {
      return { ok: false, reason: "bad_certificate" };
    }
    return { ok: true, publicKey, validFrom, validTo };
  } catch {
    return { ok: false, reason: "bad_certificate" };
  }
}

/** Tolerated clock skew for a certificate's notBefore (a freshly minted certificate, e.g. the
 * development simulator's, starts "now" on the machine that made it). */
const NOT_BEFORE_LEEWAY_MS = 5 * 60 * 1000;

function isWithinValidity(load: { validFrom: number; validTo: number }, now: number): boolean {
  return now + NOT_BEFORE_LEEWAY_MS >= load.validFrom && now <= load.validTo;
}

/** Strict, canonical Base64 only: otherwise distinct strings could decode to the same bytes. */
function decodeSignature(signature: string): Buffer | null {
  if (typeof signature !== "string" || signature.length === 0 || signature.length % 4 !== 0)
    return null;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(signature)) return null;
  const bytes = Buffer.from(signature, "base64");
  return bytes.toString("base64") === signature ? bytes : null;
}

/** SHA1withRSA (SignatureVersion 1) or SHA256withRSA (2): the digest, the key being RSA. */
function algorithmFor(version: string): "sha1" | "sha256" | null {
  if (version === "1") return "sha1";
  if (version === "2") return "sha256";
  return null;
}

export class SnsVerifier {
  private readonly fetcher: CertFetcher;
  private readonly timeoutMs: number;
  private readonly cacheTtlMs: number;
  private readonly now: () => number;
  private readonly trusted: CertLoad | null;
  private readonly cache = new Map<string, CacheEntry>();

  constructor(options: SnsVerifierOptions = {}) {
    this.fetcher = options.fetcher ?? defaultFetcher;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.cacheTtlMs = options.cacheTtlMs ?? DEFAULT_CACHE_TTL_MS;
    this.now = options.now ?? Date.now;
    this.trusted =
      options.trustedCertificatePem === undefined
        ? null
        : parseCertificate(options.trustedCertificatePem);
  }

  async verify(message: SnsMessage): Promise<VerifyResult> {
    // 1. URL rule first: nothing is fetched for a URL that is not SNS's.
    if (!isValidSigningCertUrl(message.SigningCertURL)) {
      return { ok: false, reason: "bad_cert_url" };
    }

    // 2. Certificate (configured, or fetched and cached).
    const load = this.trusted ?? (await this.loadCertificate(message.SigningCertURL));
    if (!load.ok) return { ok: false, reason: load.reason };
    if (!isWithinValidity(load, this.now())) {
      return { ok: false, reason: "bad_certificate" };
    }

    // 3. Signature over the canonical string.
    const algorithm = algorithmFor(message.SignatureVersion);
    const signature = decodeSignature(message.Signature);
    if (algorithm === null || signature === null) return { ok: false, reason: "bad_signature" };
    try {
      const valid = verifySignature(
        algorithm,
        Buffer.from(stringToSign(message), "utf8"),
        load.publicKey,
        signature,
      );
      return valid ? { ok: true } : { ok: false, reason: "bad_signature" };
    } catch {
      return { ok: false, reason: "bad_signature" };
    }
  }

  private loadCertificate(url: string): Promise<CertLoad> {
    const cached = this.cache.get(url);
    if (cached && this.now() < cached.expiresAt) return cached.load;
    if (cached) this.cache.delete(url);

    // Pending entries never expire, so concurrent verifies share the one in-flight request.
    const entry = { expiresAt: Infinity } as CacheEntry;
    entry.load = this.fetchCertificate(url).then((result) => {
      if (result.ok) {
        entry.expiresAt = this.now() + this.cacheTtlMs;
      } else if (this.cache.get(url) === entry) {
        this.cache.delete(url); // failures are not cached: the next verify fetches again
      }
      return result;
    });
    this.cache.set(url, entry);
    if (this.cache.size > MAX_CACHED_CERTIFICATES) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined && oldest !== url) this.cache.delete(oldest);
    }
    return entry.load;
  }

  private async fetchCertificate(url: string): Promise<CertLoad> {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort(new Error("Certificate fetch timed out."));
        reject(new Error("Certificate fetch timed out."));
      }, this.timeoutMs);
    });
    let pem: string;
    try {
      // Race as well as abort: a fetcher that ignores its signal still cannot hang a verify.
      pem = await Promise.race([this.fetcher(url, controller.signal), timeout]);
    } catch {
      return { ok: false, reason: "cert_fetch_failed" };
    } finally {
      clearTimeout(timer);
    }
    return parseCertificate(pem);
  }
}
