/**
 * The SES webhook on a bare node:http server, for tooling (bench:webhook's limit, the
 * multiprocess proof's app processes): the route's body limit and the same handler.
 */
import http from "node:http";
import { handleSesWebhook, MAX_BODY_BYTES, type WebhookDeps } from "@/lib/feedback/webhook";

export function sesWebhookServer(deps: () => WebhookDeps): http.Server {
  return http.createServer((req, res) => {
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
      const answer = await handleSesWebhook(Buffer.concat(chunks).toString("utf8"), deps());
      res
        .writeHead(answer.status, { "content-type": "application/json" })
        .end(JSON.stringify(answer.body));
    });
  });
}
