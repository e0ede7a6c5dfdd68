/**
 * Test and development helpers for the SNS verifier: a self-signed X.509 certificate built in pure
 * Node (no openssl, no dependencies) and the example messages from AWS's SNS documentation
 * ("HTTP/HTTPS notification JSON format", "... subscription confirmation ...", "... unsubscribe
 * confirmation ..."), unsigned, so they can be re-signed with a local key via `signSnsMessage`.
 *
 * Nothing here touches the network and nothing here is test-framework specific, so the
 * development feedback simulator can use `createSigningIdentity` too.
 */
import { createSign, generateKeyPairSync, randomBytes, type KeyObject } from "node:crypto";

import type { SnsMessage } from "./sns";

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
// AWS documentation examples (field values verbatim; Signature / SignatureVersion removed).
// ---------------------------------------------------------------------------------------------

type Unsigned = Omit<SnsMessage, "Signature" | "SignatureVersion">;

export const AWS_EXAMPLE_SIGNING_CERT_URL =
  "https://sns.us-west-2.amazonaws.com/SimpleNotificationService-f3ecfb7224c7233fe7bb5f59f96de52f.pem";

/** "HTTP/HTTPS notification JSON format" example. */
export const awsExampleNotification: Unsigned = {
  Type: "Notification",
  MessageId: "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324",
  TopicArn: "arn:aws:sns:us-west-2:123456789012:MyTopic",
  Subject: "My First Message",
  Message: "Hello world!",
  Timestamp: "2012-05-02T00:54:06.655Z",
  SigningCertURL: AWS_EXAMPLE_SIGNING_CERT_URL,
  UnsubscribeURL:
    "https://sns.us-west-2.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=arn:aws:sns:us-west-2:123456789012:MyTopic:c9135db0-26c4-47ec-8998-413945fb5a96",
};

/** The same notification published without a Subject (the key is then absent from the JSON). */
export const awsExampleNotificationWithoutSubject: Unsigned = (() => {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { Subject, ...rest } = awsExampleNotification;
  return rest;
})();

/** "HTTP/HTTPS subscription confirmation JSON format" example. */
export const awsExampleSubscriptionConfirmation: Unsigned = {
  Type: "SubscriptionConfirmation",
  MessageId: "165545c9-2a5c-472c-8df2-7ff2be2b3b1b",
  Token:
    "2336412f37fb687f5d51e6e241d09c805a5a57b30d712f794cc5f6a988666d92768dd60a747ba6f3beb71854e285d6ad02428b09ceece29417f1f02d609c582afbacc99c583a916b9981dd2728f4ae6fdb82efd087cc3b7849e05798d2d2785c03b0879594eeac82c01f235d0e717736",
  TopicArn: "arn:aws:sns:us-west-2:123456789012:MyTopic",
  Message:
    "You have chosen to subscribe to the topic arn:aws:sns:us-west-2:123456789012:MyTopic.\nTo confirm the subscription, visit the SubscribeURL included in this message.",
  SubscribeURL:
    "https://sns.us-west-2.amazonaws.com/?Action=ConfirmSubscription&TopicArn=arn:aws:sns:us-west-2:123456789012:MyTopic&Token=2336412f37fb687f5d51e6e241d09c805a5a57b30d712f794cc5f6a988666d92768dd60a747ba6f3beb71854e285d6ad02428b09ceece29417f1f02d609c582afbacc99c583a916b9981dd2728f4ae6fdb82efd087cc3b7849e05798d2d2785c03b0879594eeac82c01f235d0e717736",
  Timestamp: "2012-04-26T20:45:04.751Z",
  SigningCertURL: AWS_EXAMPLE_SIGNING_CERT_URL,
};

/** "HTTP/HTTPS unsubscribe confirmation JSON format" example. */
export const awsExampleUnsubscribeConfirmation: Unsigned = {
  Type: "UnsubscribeConfirmation",
  MessageId: "47138184-6831-46b8-8f7c-afc488602d7d",
  Token:
    "2336412f37fb687f5d51e6e241d09c805a5a57b30d712f7948a98bac386edfe3e10314e873973b3e0a3c09119b722dedf2b5e31c59b13edbb26417c19f109351e6f2169efa9085ffe97e10535f4179ac1a03590b0f541f209c190f9ae23219ed6c470453e06c19b5ba9fcbb27daeb7c7",
  TopicArn: "arn:aws:sns:us-west-2:123456789012:MyTopic",
  Message:
    "You have chosen to deactivate subscription arn:aws:sns:us-west-2:123456789012:MyTopic:2bcfbf39-05c3-41de-beaa-fcfcc21c8f55.\nTo cancel this operation and restore the subscription, visit the SubscribeURL included in this message.",
  SubscribeURL:
    "https://sns.us-west-2.amazonaws.com/?Action=ConfirmSubscription&TopicArn=arn:aws:sns:us-west-2:123456789012:MyTopic&Token=2336412f37fb687f5d51e6e241d09c805a5a57b30d712f7948a98bac386edfe3e10314e873973b3e0a3c09119b722dedf2b5e31c59b13edbb26417c19f109351e6f2169efa9085ffe97e10535f4179ac1a03590b0f541f209c190f9ae23219ed6c470453e06c19b5ba9fcbb27daeb7c7",
  Timestamp: "2012-04-26T20:06:41.581Z",
  SigningCertURL: AWS_EXAMPLE_SIGNING_CERT_URL,
};

/** The request body SNS would POST for a message, in AWS's documented key order. */
export function snsBody(message: SnsMessage): string {
  return JSON.stringify(message, null, 2);
}
