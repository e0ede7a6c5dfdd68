/**
 * The limit for bench:webhook: a bare node:http server calling the same verify-and-ingest function
 * as the Next.js route, with nothing else around it. Prints "ready <port>" when listening.
 */
import { readFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { db } from "@/db/client";
import { SnsVerifier } from "@/lib/feedback/sns";
import { handleSesWebhook, MAX_BODY_BYTES } from "@/lib/feedback/webhook";

const certPem = readFileSync(process.env.SNS_TRUSTED_CERT_FILE!, "utf8");
const deps = {
  db,
  verifier: new SnsVerifier({ trustedCertificatePem: certPem }),
  topicArns: new Set((process.env.SNS_TOPIC_ARNS ?? "").split(",")),
  log: () => {},
};

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  let size = 0;
  req.on("data", (chunk: Buffer) => {
    size += chunk.length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk);
  });
  req.on("end", async () => {
    if (size > MAX_BODY_BYTES) {
      res.writeHead(413).end();
      return;
    }
    const answer = await handleSesWebhook(Buffer.concat(chunks).toString("utf8"), deps);
    res
      .writeHead(answer.status, { "content-type": "application/json" })
      .end(JSON.stringify(answer.body));
  });
});

server.listen(0, "127.0.0.1", () => {
  console.log(`ready ${(server.address() as AddressInfo).port}`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
