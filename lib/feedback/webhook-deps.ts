import { readFileSync } from "node:fs";
import { db } from "@/db/client";
import { env } from "@/lib/env";
import { SnsVerifier } from "./sns";
import type { WebhookDeps } from "./webhook";

const cache = globalThis as unknown as { __sendwellWebhook?: WebhookDeps };

/** The webhook's dependencies from the configuration, made once per process. */
export function webhookDeps(): WebhookDeps {
  if (cache.__sendwellWebhook) return cache.__sendwellWebhook;
  const config = env();
  const trusted = config.SNS_TRUSTED_CERT_FILE
    ? readFileSync(config.SNS_TRUSTED_CERT_FILE, "utf8")
    : undefined;
  cache.__sendwellWebhook = {
    db,
    verifier: new SnsVerifier({ trustedCertificatePem: trusted }),
    topicArns: new Set(config.SNS_TOPIC_ARNS),
  };
  return cache.__sendwellWebhook;
}
