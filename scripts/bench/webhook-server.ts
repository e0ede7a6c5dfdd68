/**
 * The limit for bench:webhook: a bare node:http server answering through the same function as the
 * Next.js route (the standalone receiver's server, without its configuration: the bench's
 * certificate and topic, no logging), with nothing else around it. Prints "ready <port>" when
 * listening.
 */
import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { db } from "@/db/client";
import { sesReceiver } from "@/lib/feedback/receiver";
import { SnsVerifier } from "@/lib/feedback/sns";

const certPem = readFileSync(process.env.SNS_TRUSTED_CERT_FILE!, "utf8");
const deps = {
  db,
  verifier: new SnsVerifier({ trustedCertificatePem: certPem }),
  topicArns: new Set((process.env.SNS_TOPIC_ARNS ?? "").split(",")),
  log: () => {},
};

const server = sesReceiver(() => deps);

server.listen(0, "127.0.0.1", () => {
  console.log(`ready ${(server.address() as AddressInfo).port}`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
