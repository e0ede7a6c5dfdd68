/**
 * The limit for bench:webhook: a bare node:http server calling the same verify-and-ingest function
 * as the Next.js route, with nothing else around it. Prints "ready <port>" when listening.
 */
import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { db } from "@/db/client";
import { SnsVerifier } from "@/lib/feedback/sns";
import { sesWebhookServer } from "../lib/webhook-http";

const certPem = readFileSync(process.env.SNS_TRUSTED_CERT_FILE!, "utf8");
const deps = {
  db,
  verifier: new SnsVerifier({ trustedCertificatePem: certPem }),
  topicArns: new Set((process.env.SNS_TOPIC_ARNS ?? "").split(",")),
  log: () => {},
};

const server = sesWebhookServer(() => deps);

server.listen(0, "127.0.0.1", () => {
  console.log(`ready ${(server.address() as AddressInfo).port}`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
