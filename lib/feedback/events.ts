import { createHash } from "node:crypto";
import { normaliseAddress } from "@/lib/address/normalise";
import { stripControlCharacters } from "@/lib/input/control";

/**
 * SES events as SNS carries them: event publishing (`eventType`) or the older feedback
 * notifications (`notificationType`). Unknown types and fields are kept, never refused.
 */
export type SesEventKind =
  "bounce" | "complaint" | "delivery" | "send" | "reject" | "delivery_delay" | "other";

export type ParsedSesEvent = {
  type: string;
  kind: SesEventKind;
  sesMessageId: string | null;
  occurredAt: Date | null;
  /** The recipients this event is about: bounced, complained, delivered or delayed ones. */
  recipients: string[];
  bounceType: string | null;
  bounceSubType: string | null;
  /** SES's own id of a bounce or complaint report. */
  feedbackId: string | null;
  /** Our EmailTags (and SES's own), as SES reports them. */
  tags: Record<string, string[]>;
};

const KINDS: Record<string, SesEventKind> = {
  bounce: "bounce",
  complaint: "complaint",
  delivery: "delivery",
  send: "send",
  reject: "reject",
  deliverydelay: "delivery_delay",
};

type Json = Record<string, unknown>;
const obj = (v: unknown): Json =>
  v && typeof v === "object" && !Array.isArray(v) ? (v as Json) : {};
/** A string field as it can be stored: PostgreSQL text holds no NUL (nor other controls here). */
const str = (v: unknown): string | null => {
  if (typeof v !== "string") return null;
  const s = stripControlCharacters(v);
  return s.length > 0 ? s : null;
};
/** PostgreSQL's timestamptz starts in 4713 BC; JavaScript's dates reach 271,821 BC. */
const PG_MIN_TIME = Date.UTC(-4712, 0, 1);
const date = (v: unknown): Date | null => {
  const s = str(v);
  if (!s) return null;
  const d = new Date(s);
  return Number.isNaN(d.getTime()) || d.getTime() < PG_MIN_TIME ? null : d;
};

function addresses(list: unknown, key?: string): string[] {
  if (!Array.isArray(list)) return [];
  return list
    .map((item) => (key ? str(obj(item)[key]) : str(item)))
    .filter((a): a is string => a !== null)
    .map((a) => normaliseAddress(a) ?? a.trim());
}

function tagsOf(mail: Json): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(obj(mail.tags))) {
    if (Array.isArray(v)) out[k] = v.filter((x): x is string => typeof x === "string");
  }
  return out;
}

/** What an event type means here, for `eventType` and `notificationType` alike. */
export const kindOf = (type: string): SesEventKind => {
  const key = type.toLowerCase();
  // Own keys only: "constructor" or "__proto__" must not find Object.prototype's.
  return Object.hasOwn(KINDS, key) ? KINDS[key]! : "other";
};

/**
 * The SES event's own identity, whichever SNS message carried it: its kind, SES message id,
 * recipients and SES's feedback id (bounces, complaints) or timestamp. The same event published
 * through a configuration set and through identity notifications, or to a topic subscribed twice,
 * has one key. An event we cannot identify (no message id, a kind we do not act on) keeps its SNS
 * MessageId as its identity, so nothing distinct is ever merged. Hashed: recipients can be many.
 */
export function eventKey(event: ParsedSesEvent, snsMessageId: string): string {
  if (!event.sesMessageId || event.kind === "other") return `sns:${snsMessageId}`;
  const identity = [
    event.kind,
    event.sesMessageId,
    [...new Set(event.recipients.map((r) => r.toLowerCase()))].sort().join(","),
    event.feedbackId ?? event.occurredAt?.toISOString() ?? "",
  ].join("\n");
  return `ses:${createHash("sha256").update(identity).digest("base64url")}`;
}

export function parseSesEvent(
  messageText: string,
): { ok: true; event: ParsedSesEvent; payload: Json } | { ok: false; error: string } {
  let payload: Json;
  try {
    const parsed: unknown = JSON.parse(messageText);
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) {
      return { ok: false, error: "The SNS Message is not a JSON object." };
    }
    payload = parsed as Json;
  } catch {
    return { ok: false, error: "The SNS Message is not JSON." };
  }
  const type = str(payload.eventType) ?? str(payload.notificationType);
  if (!type) {
    return { ok: false, error: "The SES event has neither eventType nor notificationType." };
  }
  const kind = kindOf(type);
  const mail = obj(payload.mail);
  const event: ParsedSesEvent = {
    type,
    kind,
    sesMessageId: str(mail.messageId),
    occurredAt: date(mail.timestamp),
    recipients: [],
    bounceType: null,
    bounceSubType: null,
    feedbackId: null,
    tags: tagsOf(mail),
  };
  switch (kind) {
    case "bounce": {
      const b = obj(payload.bounce);
      event.recipients = addresses(b.bouncedRecipients, "emailAddress");
      event.bounceType = str(b.bounceType);
      event.bounceSubType = str(b.bounceSubType);
      event.feedbackId = str(b.feedbackId);
      event.occurredAt = date(b.timestamp) ?? event.occurredAt;
      break;
    }
    case "complaint": {
      const c = obj(payload.complaint);
      event.recipients = addresses(c.complainedRecipients, "emailAddress");
      event.feedbackId = str(c.feedbackId);
      event.occurredAt = date(c.timestamp) ?? event.occurredAt;
      break;
    }
    case "delivery": {
      const d = obj(payload.delivery);
      event.recipients = addresses(d.recipients);
      event.occurredAt = date(d.timestamp) ?? event.occurredAt;
      break;
    }
    case "delivery_delay": {
      const d = obj(payload.deliveryDelay);
      event.recipients = addresses(d.delayedRecipients, "emailAddress");
      event.occurredAt = date(d.timestamp) ?? event.occurredAt;
      break;
    }
    default:
      event.recipients = addresses(mail.destination);
  }
  return { ok: true, event, payload };
}

// jsonb refuses what JSON allows: the escape \u0000 and an escaped lone surrogate (22P05).
const UNSTORABLE_ESCAPE = /\\u(?:0000|d[89a-f][0-9a-f]{2})/i;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * The SES message as jsonb can store it: unchanged, unless it escapes a NUL or a lone surrogate,
 * which are then dropped and replaced by U+FFFD (in keys too). Otherwise a signed event would be
 * refused with a 500 at every SNS retry and lost. Expects text that JSON.parse accepts.
 */
export function storableJson(text: string): string {
  if (!UNSTORABLE_ESCAPE.test(text)) return text;
  const clean = (s: string) => s.replaceAll("\u0000", "").replace(LONE_SURROGATE, "\uFFFD");
  const walk = (value: unknown): unknown => {
    if (typeof value === "string") return clean(value);
    if (Array.isArray(value)) return value.map(walk);
    if (value && typeof value === "object") {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [clean(k), walk(v)]));
    }
    return value;
  };
  return JSON.stringify(walk(JSON.parse(text)));
}
