import {
  createPrivateKey,
  createPublicKey,
  createSign,
  createVerify,
  X509Certificate,
} from "node:crypto";

import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";

import {
  isValidSigningCertUrl,
  isValidSnsActionUrl,
  parseSnsEnvelope,
  SnsVerifier,
  stringToSign,
  type CertFetcher,
  type SnsMessage,
} from "./sns";
import {
  createSelfSignedCertificate,
  createSigningIdentity,
  signSnsMessage,
  type SigningIdentity,
} from "@/sim/sns-signing";
import {
  AWS_EXAMPLE_SIGNING_CERT_URL,
  awsExampleNotification,
  awsExampleNotificationWithoutSubject,
  awsExampleSubscriptionConfirmation,
  awsExampleUnsubscribeConfirmation,
  snsBody,
} from "@/test/fixtures/sns";

const HEX = "f3ecfb7224c7233fe7bb5f59f96de52f";
const CERT_URL = AWS_EXAMPLE_SIGNING_CERT_URL;
const OTHER_CERT_URL = `https://sns.eu-west-2.amazonaws.com/SimpleNotificationService-${HEX}.pem`;
const DAY = 24 * 60 * 60 * 1000;

// Made at module load (not in beforeAll) because some it.each tables sign messages while the
// suite is being collected.
const identity: SigningIdentity = createSigningIdentity();
const stranger: SigningIdentity = createSigningIdentity();

const fixtures = [
  ["Notification with Subject", () => awsExampleNotification],
  ["Notification without Subject", () => awsExampleNotificationWithoutSubject],
  ["SubscriptionConfirmation", () => awsExampleSubscriptionConfirmation],
  ["UnsubscribeConfirmation", () => awsExampleUnsubscribeConfirmation],
] as const;

function sign(
  unsigned: Omit<SnsMessage, "Signature" | "SignatureVersion"> = awsExampleNotification,
  version: "1" | "2" = "2",
  key = identity.privateKeyPem,
): SnsMessage {
  return signSnsMessage(unsigned, version, key);
}

/** A fake certificate fetcher that records every call. */
function fakeFetcher(answer: (url: string, signal: AbortSignal) => Promise<string> | string) {
  const calls: string[] = [];
  const signals: AbortSignal[] = [];
  const fetcher: CertFetcher = async (url, signal) => {
    calls.push(url);
    signals.push(signal);
    return answer(url, signal);
  };
  return { fetcher, calls, signals };
}

const serving = (pem: () => string) => fakeFetcher(() => pem());

/** Changes one character (one byte, all fixture text being ASCII) at `index`. */
function changeOneByte(value: string, index = Math.floor(value.length / 2)): string {
  const original = value.charAt(index);
  const replacement = original === "A" ? "B" : "A";
  return value.slice(0, index) + replacement + value.slice(index + 1);
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

// ---------------------------------------------------------------------------------------------

describe("test certificate (pure-Node DER builder)", () => {
  it("is a self-signed X.509 certificate for the key, parsable by node:crypto", () => {
    const certificate = new X509Certificate(identity.certificatePem);
    expect(certificate.subject).toContain("CN=sns.amazonaws.com");
    expect(certificate.issuer).toBe(certificate.subject);
    expect(certificate.verify(certificate.publicKey)).toBe(true);
    expect(certificate.checkPrivateKey(createPrivateKey(identity.privateKeyPem))).toBe(true);
    expect(Date.parse(certificate.validTo)).toBeGreaterThan(Date.now());
  });
});

describe("stringToSign", () => {
  it("Notification with Subject: Message, MessageId, Subject, Timestamp, TopicArn, Type", () => {
    expect(stringToSign(sign(awsExampleNotification))).toBe(
      [
        "Message",
        "Hello world!",
        "MessageId",
        "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324",
        "Subject",
        "My First Message",
        "Timestamp",
        "2012-05-02T00:54:06.655Z",
        "TopicArn",
        "arn:aws:sns:us-west-2:123456789012:MyTopic",
        "Type",
        "Notification",
        "",
      ].join("\n"),
    );
  });

  it("Notification without Subject skips the Subject pair", () => {
    const canonical = stringToSign(sign(awsExampleNotificationWithoutSubject));
    expect(canonical).not.toContain("Subject");
    expect(canonical.startsWith("Message\nHello world!\nMessageId\n")).toBe(true);
    expect(canonical).toContain("\nTimestamp\n2012-05-02T00:54:06.655Z\nTopicArn\n");
  });

  it("Notification keeps an empty Subject (present, so signed)", () => {
    expect(stringToSign(sign({ ...awsExampleNotification, Subject: "" }))).toContain(
      "\nSubject\n\nTimestamp\n",
    );
  });

  it.each([
    ["SubscriptionConfirmation", () => awsExampleSubscriptionConfirmation],
    ["UnsubscribeConfirmation", () => awsExampleUnsubscribeConfirmation],
  ] as const)(
    "%s: Message, MessageId, SubscribeURL, Timestamp, Token, TopicArn, Type",
    (type, fixture) => {
      const m = fixture();
      expect(stringToSign(sign(m))).toBe(
        `Message\n${m.Message}\nMessageId\n${m.MessageId}\nSubscribeURL\n${m.SubscribeURL}\n` +
          `Timestamp\n${m.Timestamp}\nToken\n${m.Token}\nTopicArn\n${m.TopicArn}\nType\n${type}\n`,
      );
    },
  );

  it("never includes unsigned fields (Signature, SigningCertURL, UnsubscribeURL)", () => {
    const canonical = stringToSign(sign(awsExampleNotification));
    expect(canonical).not.toMatch(/Signature|SigningCertURL|UnsubscribeURL/);
  });
});

describe("signSnsMessage", () => {
  it.each(["1", "2"] as const)("v%s sets SignatureVersion and signs the canonical string", (v) => {
    const signed = sign(awsExampleNotification, v);
    expect(signed.SignatureVersion).toBe(v);
    const ok = createVerify(v === "1" ? "RSA-SHA1" : "RSA-SHA256")
      .update(stringToSign(signed))
      .verify(new X509Certificate(identity.certificatePem).publicKey, signed.Signature, "base64");
    expect(ok).toBe(true);
    expect({ ...signed, Signature: undefined, SignatureVersion: undefined }).toMatchObject(
      awsExampleNotification,
    );
  });
});

// ---------------------------------------------------------------------------------------------

describe("SnsVerifier.verify: valid messages", () => {
  describe.each(fixtures)("%s", (_name, fixture) => {
    it.each(["1", "2"] as const)("verifies a valid v%s signature", async (version) => {
      const { fetcher, calls } = serving(() => identity.certificatePem);
      const verifier = new SnsVerifier({ fetcher });
      await expect(verifier.verify(sign(fixture(), version))).resolves.toEqual({ ok: true });
      expect(calls).toEqual([CERT_URL]);
    });
  });

  it("round-trips the exact body SNS posts: parseSnsEnvelope then verify", async () => {
    const { fetcher } = serving(() => identity.certificatePem);
    const verifier = new SnsVerifier({ fetcher });
    for (const [, fixture] of fixtures) {
      const parsed = parseSnsEnvelope(snsBody(sign(fixture(), "1")));
      expect(parsed.ok).toBe(true);
      if (!parsed.ok) continue;
      await expect(verifier.verify(parsed.message)).resolves.toEqual({ ok: true });
    }
  });

  it("passes the AbortSignal to the fetcher", async () => {
    const { fetcher, signals } = serving(() => identity.certificatePem);
    await new SnsVerifier({ fetcher }).verify(sign());
    expect(signals[0]).toBeInstanceOf(AbortSignal);
    expect(signals[0]?.aborted).toBe(false);
  });

  it("UnsubscribeURL is not covered by the signature (as in SNS itself)", async () => {
    const { fetcher } = serving(() => identity.certificatePem);
    const message = { ...sign(), UnsubscribeURL: "https://evil.example/" };
    await expect(new SnsVerifier({ fetcher }).verify(message)).resolves.toEqual({ ok: true });
  });
});

describe("SnsVerifier.verify: bad signatures", () => {
  const badSignature = { ok: false, reason: "bad_signature" };
  let verifier: SnsVerifier;
  beforeAll(() => {
    verifier = new SnsVerifier({ fetcher: serving(() => identity.certificatePem).fetcher });
  });

  describe.each(["1", "2"] as const)("v%s", (version) => {
    it.each(["Message", "Signature", "Subject", "Timestamp", "MessageId", "TopicArn"] as const)(
      "one changed byte in %s",
      async (field) => {
        const signed = sign(awsExampleNotification, version);
        const tampered = { ...signed, [field]: changeOneByte(signed[field] ?? "") };
        expect(tampered[field]).not.toBe(signed[field]);
        await expect(verifier.verify(tampered)).resolves.toEqual(badSignature);
      },
    );

    it.each(["Token", "SubscribeURL", "Message"] as const)(
      "one changed byte in a SubscriptionConfirmation's %s",
      async (field) => {
        const signed = sign(awsExampleSubscriptionConfirmation, version);
        const tampered = { ...signed, [field]: changeOneByte(signed[field] ?? "") };
        await expect(verifier.verify(tampered)).resolves.toEqual(badSignature);
      },
    );

    it("a Subject added to a message signed without one", async () => {
      const signed = sign(awsExampleNotificationWithoutSubject, version);
      await expect(verifier.verify({ ...signed, Subject: "Hi" })).resolves.toEqual(badSignature);
    });

    it("a Subject removed from a message signed with one", async () => {
      // eslint-disable-next-line @typescript-eslint/no-unused-vars
      const { Subject, ...withoutSubject } = sign(awsExampleNotification, version);
      await expect(verifier.verify(withoutSubject)).resolves.toEqual(badSignature);
    });

    it("a changed Type (a confirmation replayed as the other confirmation)", async () => {
      const signed = sign(awsExampleSubscriptionConfirmation, version);
      await expect(
        verifier.verify({ ...signed, Type: "UnsubscribeConfirmation" }),
      ).resolves.toEqual(badSignature);
    });

    it("a signature made by another key", async () => {
      const signed = sign(awsExampleNotification, version, stranger.privateKeyPem);
      await expect(verifier.verify(signed)).resolves.toEqual(badSignature);
    });
  });

  it.each([
    ["JSON key order", ["Type", "MessageId", "TopicArn", "Subject", "Message", "Timestamp"]],
    ["reverse order", ["Type", "TopicArn", "Timestamp", "Subject", "MessageId", "Message"]],
    ["Subject last", ["Message", "MessageId", "Timestamp", "TopicArn", "Type", "Subject"]],
  ] as const)("a signature over fields in the wrong order (%s)", async (_name, order) => {
    const base = sign(awsExampleNotification, "2");
    const wrong = order.map((key) => `${key}\n${base[key] ?? ""}\n`).join("");
    expect(wrong).not.toBe(stringToSign(base));
    const Signature = createSign("RSA-SHA256").update(wrong).sign(identity.privateKeyPem, "base64");
    await expect(verifier.verify({ ...base, Signature })).resolves.toEqual(badSignature);
  });

  it("a v1 signature presented as v2", async () => {
    const v1 = sign(awsExampleNotification, "1");
    await expect(verifier.verify({ ...v1, SignatureVersion: "2" })).resolves.toEqual(badSignature);
  });

  it("a v2 signature presented as v1", async () => {
    const v2 = sign(awsExampleNotification, "2");
    await expect(verifier.verify({ ...v2, SignatureVersion: "1" })).resolves.toEqual(badSignature);
  });

  it("non-canonical Base64 that would decode to the same bytes (padding bits changed)", async () => {
    const signed = sign(awsExampleNotification, "2"); // 256 bytes -> ends in "X=="
    expect(signed.Signature.endsWith("==")).toBe(true);
    const last = signed.Signature.length - 3;
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const index = alphabet.indexOf(signed.Signature.charAt(last));
    const sneaky = changeAt(signed.Signature, last, alphabet.charAt(index ^ 1)); // low bit unused
    expect(Buffer.from(sneaky, "base64")).toEqual(Buffer.from(signed.Signature, "base64"));
    await expect(verifier.verify({ ...signed, Signature: sneaky })).resolves.toEqual(badSignature);
  });

  it.each(["", "not base64!", "AAAA", "QUJD\nREVG"])("garbage Signature %j", async (bad) => {
    await expect(verifier.verify({ ...sign(), Signature: bad })).resolves.toEqual(badSignature);
  });

  it("an unknown SignatureVersion (bypassing the parser's type)", async () => {
    const message = { ...sign(), SignatureVersion: "3" } as unknown as SnsMessage;
    await expect(verifier.verify(message)).resolves.toEqual(badSignature);
  });
});

function changeAt(value: string, index: number, char: string): string {
  return value.slice(0, index) + char + value.slice(index + 1);
}

describe("SnsVerifier.verify: certificate URL rule comes first", () => {
  it.each([
    ["another host", `https://evil.example.com/SimpleNotificationService-${HEX}.pem`],
    ["http", `http://sns.us-west-2.amazonaws.com/SimpleNotificationService-${HEX}.pem`],
    ["s3.amazonaws.com", `https://s3.amazonaws.com/SimpleNotificationService-${HEX}.pem`],
    [
      "a path trick",
      `https://sns.us-west-2.amazonaws.com/SimpleNotificationService-${HEX}.pem/../x`,
    ],
    [
      "a suffix host",
      `https://sns.us-west-2.amazonaws.com.evil.com/SimpleNotificationService-${HEX}.pem`,
    ],
    [
      "userinfo",
      `https://sns.us-west-2.amazonaws.com@evil.com/SimpleNotificationService-${HEX}.pem`,
    ],
    ["a port", `https://sns.us-west-2.amazonaws.com:8443/SimpleNotificationService-${HEX}.pem`],
    ["a query", `https://sns.us-west-2.amazonaws.com/SimpleNotificationService-${HEX}.pem?x=1`],
  ])("%s -> bad_cert_url, never fetched", async (_name, url) => {
    const { fetcher, calls } = serving(() => identity.certificatePem);
    const verifier = new SnsVerifier({ fetcher });
    const message = sign({ ...awsExampleNotification, SigningCertURL: url });
    await expect(verifier.verify(message)).resolves.toEqual({ ok: false, reason: "bad_cert_url" });
    expect(calls).toHaveLength(0);
  });
});

describe("SnsVerifier.verify: certificate problems", () => {
  it.each([
    ["plain text", () => "this is not a certificate"],
    ["an empty body", () => ""],
    ["a private key", () => identity.privateKeyPem],
    [
      "a public key",
      () => createPublicKey(identity.privateKeyPem).export({ type: "spki", format: "pem" }),
    ],
    [
      "a truncated certificate",
      () => identity.certificatePem.slice(0, identity.certificatePem.length / 2),
    ],
    ["an HTML error page", () => "<html><body>503</body></html>"],
  ])("%s -> bad_certificate (and not cached)", async (_name, body) => {
    const { fetcher, calls } = fakeFetcher(() => String(body()));
    const verifier = new SnsVerifier({ fetcher });
    await expect(verifier.verify(sign())).resolves.toEqual({
      ok: false,
      reason: "bad_certificate",
    });
    await verifier.verify(sign());
    expect(calls).toHaveLength(2);
  });

  it("an expired certificate -> bad_certificate", async () => {
    const expired = certificateFor(
      identity,
      new Date(Date.now() - 10 * DAY),
      new Date(Date.now() - DAY),
    );
    const { fetcher } = serving(() => expired);
    await expect(new SnsVerifier({ fetcher }).verify(sign())).resolves.toEqual({
      ok: false,
      reason: "bad_certificate",
    });
  });

  it("a certificate that is not yet valid -> bad_certificate", async () => {
    const future = certificateFor(
      identity,
      new Date(Date.now() + DAY),
      new Date(Date.now() + 10 * DAY),
    );
    const { fetcher } = serving(() => future);
    await expect(new SnsVerifier({ fetcher }).verify(sign())).resolves.toEqual({
      ok: false,
      reason: "bad_certificate",
    });
  });

  it("expiry is judged by the injected clock, also for a cached certificate", async () => {
    const start = Date.now();
    const shortLived = certificateFor(identity, new Date(start - DAY), new Date(start + DAY));
    let now = start;
    const { fetcher, calls } = serving(() => shortLived);
    const verifier = new SnsVerifier({ fetcher, now: () => now, cacheTtlMs: 7 * DAY });
    await expect(verifier.verify(sign())).resolves.toEqual({ ok: true });
    now = start + 2 * DAY;
    await expect(verifier.verify(sign())).resolves.toEqual({
      ok: false,
      reason: "bad_certificate",
    });
    expect(calls).toHaveLength(1);
  });

  it("fetcher throws -> cert_fetch_failed; the failure is not cached", async () => {
    let fail = true;
    const { fetcher, calls } = fakeFetcher(() => {
      if (fail) throw new Error("HTTP 503");
      return identity.certificatePem;
    });
    const verifier = new SnsVerifier({ fetcher });
    const failed = { ok: false, reason: "cert_fetch_failed" };
    await expect(verifier.verify(sign())).resolves.toEqual(failed);
    await expect(verifier.verify(sign())).resolves.toEqual(failed);
    expect(calls).toHaveLength(2);
    fail = false;
    await expect(verifier.verify(sign())).resolves.toEqual({ ok: true });
    expect(calls).toHaveLength(3);
  });

  it("fetcher never answers -> cert_fetch_failed after timeoutMs, signal aborted, refetched next time", async () => {
    const { fetcher, calls, signals } = fakeFetcher(() => new Promise<string>(() => {}));
    const verifier = new SnsVerifier({ fetcher, timeoutMs: 20 });
    const started = Date.now();
    await expect(verifier.verify(sign())).resolves.toEqual({
      ok: false,
      reason: "cert_fetch_failed",
    });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(signals[0]?.aborted).toBe(true);
    await expect(verifier.verify(sign())).resolves.toEqual({
      ok: false,
      reason: "cert_fetch_failed",
    });
    expect(calls).toHaveLength(2);
  });

  it("a fetcher that honours the abort signal also ends in cert_fetch_failed", async () => {
    const { fetcher } = fakeFetcher(
      (_url, signal) =>
        new Promise<string>((_, reject) => {
          signal.addEventListener("abort", () => reject(signal.reason));
        }),
    );
    await expect(new SnsVerifier({ fetcher, timeoutMs: 10 }).verify(sign())).resolves.toEqual({
      ok: false,
      reason: "cert_fetch_failed",
    });
  });
});

function certificateFor(who: SigningIdentity, notBefore: Date, notAfter: Date): string {
  const privateKey = createPrivateKey(who.privateKeyPem);
  return createSelfSignedCertificate({
    privateKey,
    publicKey: createPublicKey(privateKey),
    notBefore,
    notAfter,
  });
}

describe("SnsVerifier: certificate cache", () => {
  it("fetches a good certificate once for many messages", async () => {
    const { fetcher, calls } = serving(() => identity.certificatePem);
    const verifier = new SnsVerifier({ fetcher });
    for (let i = 0; i < 10; i++) {
      const [, fixture] = fixtures[i % fixtures.length]!;
      const message = sign({ ...fixture(), MessageId: `m-${i}` }, i % 2 ? "1" : "2");
      await expect(verifier.verify(message)).resolves.toEqual({ ok: true });
    }
    expect(calls).toEqual([CERT_URL]);
  });

  it("concurrent verifies share one in-flight fetch", async () => {
    const pending = deferred<string>();
    const { fetcher, calls } = fakeFetcher(() => pending.promise);
    const verifier = new SnsVerifier({ fetcher });
    const results = Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        verifier.verify(sign({ ...awsExampleNotification, MessageId: `c-${i}` })),
      ),
    );
    await Promise.resolve();
    pending.resolve(identity.certificatePem);
    expect(await results).toEqual(Array(8).fill({ ok: true }));
    expect(calls).toHaveLength(1);
  });

  it("concurrent verifies sharing a failed fetch all fail, and the next one refetches", async () => {
    let attempt = 0;
    const { fetcher, calls } = fakeFetcher(async () => {
      attempt += 1;
      if (attempt === 1) throw new Error("boom");
      return identity.certificatePem;
    });
    const verifier = new SnsVerifier({ fetcher });
    const results = await Promise.all([verifier.verify(sign()), verifier.verify(sign())]);
    expect(results).toEqual([
      { ok: false, reason: "cert_fetch_failed" },
      { ok: false, reason: "cert_fetch_failed" },
    ]);
    await expect(verifier.verify(sign())).resolves.toEqual({ ok: true });
    expect(calls).toHaveLength(2);
  });

  it("caches per URL", async () => {
    const { fetcher, calls } = serving(() => identity.certificatePem);
    const verifier = new SnsVerifier({ fetcher });
    await verifier.verify(sign());
    await verifier.verify(sign({ ...awsExampleNotification, SigningCertURL: OTHER_CERT_URL }));
    await verifier.verify(sign({ ...awsExampleNotification, SigningCertURL: OTHER_CERT_URL }));
    await verifier.verify(sign());
    expect(calls).toEqual([CERT_URL, OTHER_CERT_URL]);
  });

  it("refetches after the TTL (injected clock)", async () => {
    let now = Date.now();
    const { fetcher, calls } = serving(() => identity.certificatePem);
    const verifier = new SnsVerifier({ fetcher, now: () => now, cacheTtlMs: 60_000 });
    await expect(verifier.verify(sign())).resolves.toEqual({ ok: true });
    now += 59_999;
    await expect(verifier.verify(sign())).resolves.toEqual({ ok: true });
    expect(calls).toHaveLength(1);
    now += 2;
    await expect(verifier.verify(sign())).resolves.toEqual({ ok: true });
    expect(calls).toHaveLength(2);
  });

  it("defaults to a 24h TTL", async () => {
    let now = Date.now();
    const { fetcher, calls } = serving(() => identity.certificatePem);
    const verifier = new SnsVerifier({ fetcher, now: () => now });
    await verifier.verify(sign());
    now += DAY - 1_000;
    await verifier.verify(sign());
    expect(calls).toHaveLength(1);
    now += 2_000;
    await verifier.verify(sign());
    expect(calls).toHaveLength(2);
  });
});

describe("SnsVerifier: trustedCertificatePem (development)", () => {
  const neverFetch = () => fakeFetcher(() => Promise.reject(new Error("must not fetch")));

  it("verifies without calling the fetcher", async () => {
    const { fetcher, calls } = neverFetch();
    const verifier = new SnsVerifier({ fetcher, trustedCertificatePem: identity.certificatePem });
    for (const [, fixture] of fixtures) {
      await expect(verifier.verify(sign(fixture(), "1"))).resolves.toEqual({ ok: true });
      await expect(verifier.verify(sign(fixture(), "2"))).resolves.toEqual({ ok: true });
    }
    expect(calls).toHaveLength(0);
  });

  it("still enforces the certificate URL rule", async () => {
    const { fetcher } = neverFetch();
    const verifier = new SnsVerifier({ fetcher, trustedCertificatePem: identity.certificatePem });
    const message = sign({
      ...awsExampleNotification,
      SigningCertURL: `https://evil.example/SimpleNotificationService-${HEX}.pem`,
    });
    await expect(verifier.verify(message)).resolves.toEqual({ ok: false, reason: "bad_cert_url" });
  });

  it("still enforces the signature", async () => {
    const { fetcher } = neverFetch();
    const verifier = new SnsVerifier({ fetcher, trustedCertificatePem: identity.certificatePem });
    const signed = sign();
    const badSignature = { ok: false, reason: "bad_signature" };
    await expect(
      verifier.verify({ ...signed, Message: changeOneByte(signed.Message) }),
    ).resolves.toEqual(badSignature);
    await expect(
      verifier.verify(sign(awsExampleNotification, "2", stranger.privateKeyPem)),
    ).resolves.toEqual(badSignature);
  });

  it("an unparsable trusted certificate -> bad_certificate", async () => {
    const { fetcher, calls } = neverFetch();
    const verifier = new SnsVerifier({ fetcher, trustedCertificatePem: "nope" });
    await expect(verifier.verify(sign())).resolves.toEqual({
      ok: false,
      reason: "bad_certificate",
    });
    expect(calls).toHaveLength(0);
  });
});

describe("SnsVerifier: default fetcher (global fetch stubbed, no network)", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it("GETs the URL with the signal and no redirects, and uses the body text", async () => {
    const fetchMock = vi.fn(async () => new Response(identity.certificatePem, { status: 200 }));
    vi.stubGlobal("fetch", fetchMock);
    await expect(new SnsVerifier().verify(sign())).resolves.toEqual({ ok: true });
    expect(fetchMock).toHaveBeenCalledTimes(1);
    expect(fetchMock).toHaveBeenCalledWith(
      CERT_URL,
      expect.objectContaining({ signal: expect.any(AbortSignal), redirect: "error" }),
    );
  });

  it("a non-2xx response -> cert_fetch_failed", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => new Response(identity.certificatePem, { status: 404 })),
    );
    await expect(new SnsVerifier().verify(sign())).resolves.toEqual({
      ok: false,
      reason: "cert_fetch_failed",
    });
  });

  it("a network error -> cert_fetch_failed", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => {
        throw new TypeError("fetch failed");
      }),
    );
    await expect(new SnsVerifier().verify(sign())).resolves.toEqual({
      ok: false,
      reason: "cert_fetch_failed",
    });
  });
});

// ---------------------------------------------------------------------------------------------

describe("parseSnsEnvelope", () => {
  const valid = () => JSON.parse(snsBody(sign())) as Record<string, unknown>;
  const body = (patch: Record<string, unknown>, omit: string[] = []) => {
    const object = { ...valid(), ...patch };
    for (const key of omit) delete object[key];
    return JSON.stringify(object);
  };

  it.each(fixtures)("accepts AWS's %s example", (_name, fixture) => {
    const signed = sign(fixture(), "1");
    expect(parseSnsEnvelope(snsBody(signed))).toEqual({ ok: true, message: signed });
  });

  it('accepts AWS\'s spaced `"Key" : "value"` layout', () => {
    const signed = sign();
    const spaced = `{\n${Object.entries(signed)
      .map(([k, v]) => `  ${JSON.stringify(k)} : ${JSON.stringify(v)}`)
      .join(",\n")}\n}`;
    expect(parseSnsEnvelope(spaced)).toEqual({ ok: true, message: signed });
  });

  it("tolerates (and drops) unknown extra fields", () => {
    const result = parseSnsEnvelope(
      body({ MessageAttributes: { a: { Type: "String", Value: "b" } }, Extra: 1 }),
    );
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.message).toEqual(sign());
  });

  it.each([
    ["malformed JSON", '{"Type": "Notification",'],
    ["empty body", ""],
    ["an array", JSON.stringify([sign()])],
    ["null", "null"],
    ["a number", "42"],
    ["a string", JSON.stringify(snsBody(sign()))],
    ["a bad Type", body({ Type: "notification" })],
    ["a missing Type", body({}, ["Type"])],
    ["a missing MessageId", body({}, ["MessageId"])],
    ["a missing TopicArn", body({}, ["TopicArn"])],
    ["a missing Message", body({}, ["Message"])],
    ["a missing Timestamp", body({}, ["Timestamp"])],
    ["a missing Signature", body({}, ["Signature"])],
    ["a missing SigningCertURL", body({}, ["SigningCertURL"])],
    ["an empty Message", body({ Message: "" })],
    ["a numeric MessageId", body({ MessageId: 7 })],
    ["an object Message", body({ Message: { a: 1 } })],
    ["a missing SignatureVersion", body({}, ["SignatureVersion"])],
    ["SignatureVersion 3", body({ SignatureVersion: "3" })],
    ["numeric SignatureVersion", body({ SignatureVersion: 1 })],
    ["a numeric Subject", body({ Subject: 5 })],
    ["a null Subject", body({ Subject: null })],
    [
      "a SubscriptionConfirmation without SubscribeURL",
      snsBody(sign(awsExampleSubscriptionConfirmation)).replace(/"SubscribeURL"[^\n]*\n/, ""),
    ],
    [
      "an UnsubscribeConfirmation without Token",
      JSON.stringify({ ...sign(awsExampleUnsubscribeConfirmation), Token: undefined }),
    ],
    [
      "a SubscriptionConfirmation with an empty SubscribeURL",
      JSON.stringify({ ...sign(awsExampleSubscriptionConfirmation), SubscribeURL: "" }),
    ],
  ])("rejects %s with a sentence", (_name, raw) => {
    const result = parseSnsEnvelope(raw);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(/^[A-Z].{5,120}\.$/);
  });

  it("names the missing confirmation field", () => {
    const raw = JSON.stringify({ ...sign(awsExampleSubscriptionConfirmation), SubscribeURL: 1 });
    const result = parseSnsEnvelope(raw);
    expect(result).toEqual({ ok: false, error: expect.stringContaining("SubscribeURL") });
  });

  it("never throws, whatever the input", () => {
    for (const raw of [
      "{",
      "]",
      "\u0000",
      "{}",
      '{"__proto__":{"Type":"Notification"}}',
      "1e999",
    ]) {
      expect(() => parseSnsEnvelope(raw)).not.toThrow();
      expect(parseSnsEnvelope(raw).ok).toBe(false);
    }
  });
});

// ---------------------------------------------------------------------------------------------

const PEM_PATH = `/SimpleNotificationService-${HEX}.pem`;

describe("isValidSigningCertUrl", () => {
  it.each([
    [`https://sns.us-west-2.amazonaws.com${PEM_PATH}`, true],
    [
      "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-9c6465fa7f48f5cacd23014631ec1136.pem",
      true,
    ],
    [`https://sns.eu-west-2.amazonaws.com${PEM_PATH}`, true],
    [`https://sns.ap-southeast-2.amazonaws.com${PEM_PATH}`, true],
    [`https://sns.us-gov-west-1.amazonaws.com${PEM_PATH}`, true],
    [`https://sns.cn-north-1.amazonaws.com.cn${PEM_PATH}`, true],
    [`https://sns.us-east-1.amazonaws.com:443${PEM_PATH}`, true],
    ["https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0123456789abcdef.pem", true],
    ["https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0123456789ABCDEF.pem", true],
    // scheme
    [`http://sns.us-east-1.amazonaws.com${PEM_PATH}`, false],
    [`ftp://sns.us-east-1.amazonaws.com${PEM_PATH}`, false],
    [`https:sns.us-east-1.amazonaws.com${PEM_PATH}`, false],
    [`https:///sns.us-east-1.amazonaws.com${PEM_PATH}`, false],
    [`//sns.us-east-1.amazonaws.com${PEM_PATH}`, false],
    [`HTTPS://SNS.US-EAST-1.AMAZONAWS.COM${PEM_PATH}`, false],
    // host
    [`https://s3.amazonaws.com${PEM_PATH}`, false],
    [`https://sns.amazonaws.com${PEM_PATH}`, false],
    [`https://sns.amazonaws.com.evil.com${PEM_PATH}`, false],
    [`https://sns.us-east-1.amazonaws.com.evil.com${PEM_PATH}`, false],
    [`https://sns.us-east-1.amazonaws.com.cn.evil.com${PEM_PATH}`, false],
    [`https://sns.us-east-1.amazonaws.com.${PEM_PATH}`, false],
    [`https://evil.com/sns.us-east-1.amazonaws.com${PEM_PATH}`, false],
    [`https://evilsns.us-east-1.amazonaws.com${PEM_PATH}`, false],
    [`https://x.sns.us-east-1.amazonaws.com${PEM_PATH}`, false],
    [`https://sns.useast1.amazonaws.com${PEM_PATH}`, false],
    [`https://sns.us-east-1.amazonaws.org${PEM_PATH}`, false],
    [`https://sns.us-east-1.amazonaws%2ecom${PEM_PATH}`, false],
    [`https://sns.us-east-1.xn--amazonaws-.com${PEM_PATH}`, false],
    // userinfo and port
    [`https://sns.us-east-1.amazonaws.com@evil.com${PEM_PATH}`, false],
    [`https://user@sns.us-east-1.amazonaws.com${PEM_PATH}`, false],
    [`https://user:pass@sns.us-east-1.amazonaws.com${PEM_PATH}`, false],
    [`https://evil.com@sns.us-east-1.amazonaws.com${PEM_PATH}`, false],
    [`https://sns.us-east-1.amazonaws.com:8443${PEM_PATH}`, false],
    [`https://sns.us-east-1.amazonaws.com:0443${PEM_PATH}`, false],
    [`https://sns.us-east-1.amazonaws.com:${PEM_PATH}`, false],
    // path, query, fragment
    [`https://sns.us-east-1.amazonaws.com${PEM_PATH}?x=1`, false],
    [`https://sns.us-east-1.amazonaws.com${PEM_PATH}?`, false],
    [`https://sns.us-east-1.amazonaws.com${PEM_PATH}#frag`, false],
    [`https://sns.us-east-1.amazonaws.com${PEM_PATH}/../x`, false],
    ["https://sns.us-east-1.amazonaws.com/SimpleNotificationService-abc.pem", false],
    ["https://sns.us-east-1.amazonaws.com/SimpleNotificationService-abc.pem/../x", false],
    [
      "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-zzzzzzzzzzzzzzzzzzzz.pem",
      false,
    ],
    [`https://sns.us-east-1.amazonaws.com/x/..${PEM_PATH}`, false],
    [`https://sns.us-east-1.amazonaws.com/%2e%2e${PEM_PATH}`, false],
    [`https://sns.us-east-1.amazonaws.com/x${PEM_PATH}`, false],
    [`https://sns.us-east-1.amazonaws.com/%53impleNotificationService-${HEX}.pem`, false],
    [`https://sns.us-east-1.amazonaws.com${PEM_PATH}%00`, false],
    [`https://sns.us-east-1.amazonaws.com${PEM_PATH}.txt`, false],
    [`https://sns.us-east-1.amazonaws.com\\${PEM_PATH.slice(1)}`, false],
    [`https://sns.us-east-1.amazonaws.com\\@evil.com${PEM_PATH}`, false],
    [`https://evil.com\\@sns.us-east-1.amazonaws.com${PEM_PATH}`, false],
    [`https://sns.us-east-1.amazonaws.com/SimpleNotification\tService-${HEX}.pem`, false],
    [` https://sns.us-east-1.amazonaws.com${PEM_PATH}`, false],
    [`https://sns.us-east-1.amazonaws.com${PEM_PATH}\n`, false],
    ["", false],
    ["not a url", false],
  ])("%j -> %s", (url, expected) => {
    expect(isValidSigningCertUrl(url)).toBe(expected);
  });
});

describe("isValidSnsActionUrl", () => {
  it.each([
    [awsExampleNotification.UnsubscribeURL!, true],
    [awsExampleSubscriptionConfirmation.SubscribeURL!, true],
    [awsExampleUnsubscribeConfirmation.SubscribeURL!, true],
    ["https://sns.cn-north-1.amazonaws.com.cn/?Action=ConfirmSubscription&Token=abc", true],
    ["https://sns.us-gov-west-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=x", true],
    ["https://sns.us-east-1.amazonaws.com", true],
    ["https://sns.us-east-1.amazonaws.com/", true],
    ["https://sns.us-east-1.amazonaws.com?Action=Unsubscribe", true],
    ["https://sns.us-east-1.amazonaws.com:443/?Action=Unsubscribe", true],
    ["https://sns.us-east-1.amazonaws.com/some/path?a=1&b=%20c", true],
    ["http://sns.us-east-1.amazonaws.com/?Action=Unsubscribe", false],
    ["https://s3.amazonaws.com/?Action=Unsubscribe", false],
    ["https://sns.amazonaws.com/?Action=Unsubscribe", false],
    ["https://sns.us-east-1.amazonaws.com.evil.com/?Action=Unsubscribe", false],
    ["https://evil.com/?next=https://sns.us-east-1.amazonaws.com/", false],
    ["https://evil.com/sns.us-east-1.amazonaws.com/?Action=Unsubscribe", false],
    ["https://sns.us-east-1.amazonaws.com@evil.com/?Action=Unsubscribe", false],
    ["https://user@sns.us-east-1.amazonaws.com/?Action=Unsubscribe", false],
    ["https://sns.us-east-1.amazonaws.com:8443/?Action=Unsubscribe", false],
    ["https://sns.us-east-1.amazonaws.com\\@evil.com/", false],
    ["https://sns.us-east-1.amazonaws.com/\\evil.com", false],
    ["https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe#frag", false],
    ["https://sns.us-east-1.amazonaws.com/?Action=Unsub\nscribe", false],
    ["https://sns.us-east-1.amazonaws.com/?Action=Unsub\u0001scribe", false],
    ["https://sns.us-east-1.amazonaws.com/?Action=Un subscribe", false],
    ["https://sns.us-east-1.amazonaws.com./?Action=Unsubscribe", false],
    ["javascript:alert(1)//sns.us-east-1.amazonaws.com/", false],
    ["https:sns.us-east-1.amazonaws.com/?Action=Unsubscribe", false],
    ["", false],
  ])("%j -> %s", (url, expected) => {
    expect(isValidSnsActionUrl(url)).toBe(expected);
  });
});
