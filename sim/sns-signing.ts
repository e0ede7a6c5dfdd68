/**
 * Signing SNS messages as SNS does, for the development feedback simulator, the webhook benchmark
 * and the tests: a self-signed X.509 certificate built in pure Node (no openssl, no dependencies)
 * and `signSnsMessage`. Never imported by the app: the app only verifies (lib/feedback/sns).
 */
import { createSign, generateKeyPairSync, randomBytes, type KeyObject } from "node:crypto";

import { stringToSign, type SnsMessage } from "@/lib/feedback/sns";

// ---------------------------------------------------------------------------------------------
// Minimal DER encoder: just enough ASN.1 for an RSA self-signed v3 certificate.
// ---------------------------------------------------------------------------------------------

function derLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n % 256);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function der(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), derLength(body.length), body]);
}

const sequence = (...content: Buffer[]) => der(0x30, ...content);
const set = (...content: Buffer[]) => der(0x31, ...content);
const derNull = () => der(0x05);

function oid(dotted: string): Buffer {
  const parts = dotted.split(".").map(Number);
  const [first = 0, second = 0, ...rest] = parts;
  const bytes = [first * 40 + second];
  for (const part of rest) {
    const chunk: number[] = [part & 0x7f];
    for (let n = Math.floor(part / 128); n > 0; n = Math.floor(n / 128)) {
      chunk.unshift((n & 0x7f) | 0x80);
    }
    bytes.push(...chunk);
  }
  return der(0x06, Buffer.from(bytes));
}

function positiveInteger(bytes: Buffer): Buffer {
  // DER INTEGER is two's complement: prefix a zero byte when the high bit is set.
  const body = (bytes[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes;
  return der(0x02, body);
}

function time(date: Date): Buffer {
  const iso = date.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  const digits = iso.slice(0, 19).replace(/[-T:]/g, ""); // YYYYMMDDHHMMSS
  const year = date.getUTCFullYear();
  // RFC 5280: UTCTime for 1950-2049, GeneralizedTime otherwise.
  return year >= 1950 && year < 2050
    ? der(0x17, Buffer.from(`${digits.slice(2)}Z`, "ascii"))
    : der(0x18, Buffer.from(`${digits}Z`, "ascii"));
}

function name(commonName: string): Buffer {
  return sequence(set(sequence(oid("2.5.4.3"), der(0x0c, Buffer.from(commonName, "utf8")))));
}

const SHA256_WITH_RSA = () => sequence(oid("1.2.840.113549.1.1.11"), derNull());

function toPem(label: string, body: Buffer): string {
  const lines = body.toString("base64").match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

export type SelfSignedCertificateOptions = {
  privateKey: KeyObject;
  publicKey: KeyObject;
  commonName?: string; // default "sns.amazonaws.com"
  notBefore?: Date; // default: one day ago
  notAfter?: Date; // default: one year from now
};

/** A self-signed RSA certificate (PEM) for the given key pair, signed with SHA256withRSA. */
export function createSelfSignedCertificate(options: SelfSignedCertificateOptions): string {
  const now = Date.now();
  const notBefore = options.notBefore ?? new Date(now - 24 * 60 * 60 * 1000);
  const notAfter = options.notAfter ?? new Date(now + 365 * 24 * 60 * 60 * 1000);
  const subject = name(options.commonName ?? "sns.amazonaws.com");
  const spki = options.publicKey.export({ type: "spki", format: "der" });
  const serial = randomBytes(16);
  // Positive, and never a leading zero byte: DER wants the shortest INTEGER encoding, and a
  // non-minimal one made about one certificate in 128 unparseable (seen as a flaky test).
  serial[0] = (serial[0] ?? 0) & 0x7f || 0x01;

  const tbs = sequence(
    der(0xa0, positiveInteger(Buffer.from([2]))), // [0] EXPLICIT version: v3
    positiveInteger(serial),
    SHA256_WITH_RSA(),
    subject, // issuer (self-signed)
    sequence(time(notBefore), time(notAfter)),
    subject,
    spki,
  );
  const signature = createSign("RSA-SHA256").update(tbs).sign(options.privateKey);
  const certificate = sequence(
    tbs,
    SHA256_WITH_RSA(),
    der(0x03, Buffer.from([0]), signature), // BIT STRING, 0 unused bits
  );
  return toPem("CERTIFICATE", certificate);
}

export type SigningIdentity = { privateKeyPem: string; certificatePem: string };

/** A fresh RSA key pair and a self-signed certificate for it. */
export function createSigningIdentity(
  options: Omit<SelfSignedCertificateOptions, "privateKey" | "publicKey"> & {
    modulusLength?: number;
  } = {},
): SigningIdentity {
  const { modulusLength = 2048, ...certificateOptions } = options;
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength });
  return {
    privateKeyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    certificatePem: createSelfSignedCertificate({ privateKey, publicKey, ...certificateOptions }),
  };
}

// ---------------------------------------------------------------------------------------------
// Signing
// ---------------------------------------------------------------------------------------------

/** Signs a message exactly as SNS would. */
export function signSnsMessage(
  unsigned: Omit<SnsMessage, "Signature" | "SignatureVersion">,
  version: "1" | "2",
  privateKeyPem: string,
): SnsMessage {
  const draft: SnsMessage = { ...unsigned, SignatureVersion: version, Signature: "" };
  const algorithm = version === "1" ? "RSA-SHA1" : "RSA-SHA256";
  const Signature = createSign(algorithm)
    .update(stringToSign(draft), "utf8")
    .sign(privateKeyPem, "base64");
  return { ...draft, Signature };
}
