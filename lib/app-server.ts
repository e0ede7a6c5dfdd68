/**
 * The app's production server (`npm start`, scripts/server.ts): one node:http server on the app's
 * port. The SES webhook's path goes to the receiver's listener (lib/feedback/receiver.ts: the same
 * `answerSesWebhook` as the Next.js route, on bare node:http), everything else to Next.js's request
 * handler. Next.js's own request handling costs about ten times the webhook's receipt (README,
 * Performance), so SNS's notifications skip it; pages, actions and the other routes are Next.js's as
 * under `next start`. The route app/api/webhooks/ses stays for `next dev`, where it answers the same.
 */
import http from "node:http";
import { isSesWebhookPath } from "./feedback/receiver";

/** Next.js's request handler (`app.getRequestHandler()`), or a stand-in for it in tests. */
export type NextHandler = (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>;

export function createAppServer(options: {
  webhook: http.RequestListener;
  next: NextHandler;
  log?: (message: string) => void;
}): http.Server {
  const log = options.log ?? ((m: string) => console.error(`[sendwell] ${m}`));
  return http.createServer((req, res) => {
    if (isSesWebhookPath(req.url)) return options.webhook(req, res);
    options.next(req, res).catch((error: unknown) => {
      // As `next start` does with what its handler throws. The path only: a query may carry a token.
      log(
        `answering ${req.method} ${(req.url ?? "/").split("?")[0]} failed: ${(error as Error).message}`,
      );
      if (res.headersSent) return void res.destroy();
      res.statusCode = 500;
      res.end("Internal Server Error");
    });
  });
}

/**
 * Stops taking connections and resolves once the requests in hand are answered (idle keep-alive
 * connections are closed as they fall idle); after `graceMs` whatever is still open is cut.
 */
export function drainServer(server: http.Server, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    const sweep = setInterval(() => server.closeIdleConnections(), 100);
    const cut = setTimeout(() => server.closeAllConnections(), graceMs);
    server.close(() => {
      clearInterval(sweep);
      clearTimeout(cut);
      resolve();
    });
  });
}
