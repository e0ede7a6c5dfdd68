import type { Database } from "@/db/client";
import { sql } from "drizzle-orm";
import { parseSesEvent } from "./events";
import { receiveSesEvent } from "./receive";
import { isValidSnsActionUrl, parseSnsEnvelope, type SnsVerifier } from "./sns";

/** SNS messages are at most 256 KB. */
export const MAX_BODY_BYTES = 256 * 1024;

export type WebhookDeps = {
  db: Database;
  verifier: SnsVerifier;
  topicArns: ReadonlySet<string>;
  /** GETs a SubscribeURL; injectable so tests never reach the network. */
  confirm?: (url: string) => Promise<{ ok: boolean; status: number }>;
  log?: (message: string) => void;
};

export type WebhookAnswer = { status: number; body: Record<string, unknown> };

const answer = (status: number, body: Record<string, unknown>): WebhookAnswer => ({ status, body });

const TOO_LARGE = answer(413, {
  error: "The body is over 256 KB, more than SNS ever sends; it was not read.",
});

/** A request as the webhook needs it, from either server it runs in. */
export type WebhookRequest = {
  /** The Content-Length header as sent, if any. */
  declaredLength: string | null | undefined;
  /** The raw body, null as soon as it passes `limit` bytes (reading stops there). */
  readBody: (limit: number) => Promise<Uint8Array | null>;
};

/**
 * The whole answer to a POST of the SES webhook: the body limit (by the declared length first, then
 * as the body is read), then `handleSesWebhook`. The Next.js route and the standalone receiver
 * (`sesReceiver`) both answer through this one function, so their checks and answers are the same.
 */
export async function answerSesWebhook(
  request: WebhookRequest,
  deps: WebhookDeps,
): Promise<WebhookAnswer> {
  if (Number(request.declaredLength ?? "0") > MAX_BODY_BYTES) return TOO_LARGE;
  // SNS posts JSON as text/plain: the raw body, refused as it streams once over the limit.
  const body = await request.readBody(MAX_BODY_BYTES);
  if (body === null) return TOO_LARGE;
  const text = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString("utf8");
  return handleSesWebhook(text, deps);
}

async function defaultConfirm(url: string) {
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000), redirect: "error" });
  return { ok: res.ok, status: res.status };
}

/**
 * Verify first, parse after: the envelope, the topic allow-list, the certificate URL and the
 * signature, then the message. 200 only once the event is stored (one statement; the feedback
 * applier does the rest); 500 when the database fails, so SNS retries; 503 when the certificate
 * could not be fetched (also retried).
 */
export async function handleSesWebhook(body: string, deps: WebhookDeps): Promise<WebhookAnswer> {
  const log = deps.log ?? ((m: string) => console.warn(`[ses-webhook] ${m}`));
  const envelope = parseSnsEnvelope(body);
  if (!envelope.ok) return answer(400, { error: envelope.error });
  const message = envelope.message;
  if (!deps.topicArns.has(message.TopicArn)) {
    log(`refused a message from topic ${message.TopicArn}: not in SNS_TOPIC_ARNS`);
    return answer(403, { error: "Unknown topic." });
  }
  const verified = await deps.verifier.verify(message);
  if (!verified.ok) {
    if (verified.reason === "cert_fetch_failed")
      return answer(503, { error: "Certificate unavailable." });
    log(`refused message ${message.MessageId}: ${verified.reason}`);
    return answer(403, { error: "Signature not valid." });
  }

  try {
    if (message.Type === "SubscriptionConfirmation") {
      if (!message.SubscribeURL || !isValidSnsActionUrl(message.SubscribeURL)) {
        return answer(403, { error: "SubscribeURL is not an SNS address." });
      }
      let error: string | null = null;
      try {
        const res = await (deps.confirm ?? defaultConfirm)(message.SubscribeURL);
        if (!res.ok) error = `SubscribeURL answered ${res.status}`;
      } catch (e) {
        error = (e as Error).message;
      }
      await deps.db.execute(sql`
        insert into sns_subscriptions (topic_arn, type, sns_message_id, confirmed_at, error)
        values (${message.TopicArn}, ${message.Type}, ${message.MessageId}, ${error ? null : new Date().toISOString()}, ${error})`);
      return error
        ? answer(502, { error: "Could not confirm the subscription." })
        : answer(200, { status: "confirmed" });
    }
    if (message.Type === "UnsubscribeConfirmation") {
      // Feedback has stopped arriving for this topic: recorded, and shown to operators as a warning.
      await deps.db.execute(sql`
        insert into sns_subscriptions (topic_arn, type, sns_message_id)
        values (${message.TopicArn}, ${message.Type}, ${message.MessageId})`);
      log(`topic ${message.TopicArn} was unsubscribed: SES feedback will stop arriving`);
      return answer(200, { status: "recorded" });
    }
    const parsed = parseSesEvent(message.Message);
    if (!parsed.ok) return answer(400, { error: parsed.error });
    const result = await receiveSesEvent(deps.db, {
      snsMessageId: message.MessageId,
      topicArn: message.TopicArn,
      event: parsed.event,
      message: message.Message,
    });
    return answer(200, { status: result.status });
  } catch (error) {
    log(`could not store message ${message.MessageId}: ${(error as Error).message}`);
    return answer(500, { error: "Could not store the event; SNS will retry." });
  }
}
