/**
 * A switch in front of local SES for the browser tests (aws-ses-v2-local has no faults of its
 * own): it forwards every request, except that while "paused" is on, SendEmail answers SES's
 * `SendingPausedException` and GetAccount says sending is disabled, as SES does when it pauses an
 * account. `POST /_fault` with `{"paused": true|false}` flips it. Tooling only: never the app's.
 */
import http, { type Server } from "node:http";

export type SesFaultProxy = { url: string; server: Server; paused: () => boolean };

export async function startSesFaultProxy(port: number, target: string): Promise<SesFaultProxy> {
  let paused = false;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const path = (req.url ?? "/").split("?")[0]!;
      if (path === "/_fault" && req.method === "POST") {
        try {
          paused = Boolean((JSON.parse(body.toString() || "{}") as { paused?: unknown }).paused);
          res.writeHead(200, { "content-type": "application/json" });
          res.end(JSON.stringify({ paused }));
        } catch {
          res.writeHead(400).end('send {"paused": true|false}');
        }
        return;
      }
      if (paused && path === "/v2/email/outbound-emails" && req.method === "POST") {
        // SESv2's modelled error: HTTP 400, the type in x-amzn-ErrorType (restJson1).
        res.writeHead(400, {
          "content-type": "application/json",
          "x-amzn-errortype": "SendingPausedException",
        });
        res.end(JSON.stringify({ message: "Email sending is paused for this account." }));
        return;
      }
      const upstream = http.request(
        `${target}${req.url ?? "/"}`,
        { method: req.method, headers: { ...req.headers, host: new URL(target).host } },
        (answer) => {
          if (paused && path === "/v2/email/account" && req.method === "GET") {
            const parts: Buffer[] = [];
            answer.on("data", (c: Buffer) => parts.push(c));
            answer.on("end", () => {
              const account = JSON.parse(Buffer.concat(parts).toString()) as Record<
                string,
                unknown
              >;
              res.writeHead(200, { "content-type": "application/json" });
              res.end(JSON.stringify({ ...account, SendingEnabled: false }));
            });
            return;
          }
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on("error", (error) => {
        res.writeHead(502).end(String(error));
      });
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${port}`, server, paused: () => paused };
}
