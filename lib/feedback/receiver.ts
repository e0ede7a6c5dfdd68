/**
 * The SES webhook on a bare node:http server: the standalone receiver (`npm run receiver`, or
 * `npm run worker` with FEEDBACK_RECEIVER_PORT set). It answers POST /api/webhooks/ses through the
 * same `answerSesWebhook` as the Next.js route, so what it checks and answers is the route's; what
 * it leaves out is Next.js's own request handling, which costs several times the receipt itself
 * (README, Performance). The app's own server (lib/app-server.ts, `npm start`) mounts the same
 * listener on its port before Next.js; this standalone one is for a receiving fleet of its own.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { answerSesWebhook, type WebhookDeps } from "./webhook";

/** The same path as the Next.js route, so a load balancer can send just this path here. */
export const SES_WEBHOOK_PATH = "/api/webhooks/ses";

/** A Node request's body, or null as soon as it passes `limit` bytes (then reading stops). */
export function readNodeBody(req: http.IncomingMessage, limit: number): Promise<Uint8Array | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      req.off("data", onData).off("end", onEnd).off("error", onError);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        stop();
        req.pause();
        resolve(null);
      } else chunks.push(chunk);
    };
    const onEnd = () => {
      stop();
      resolve(Buffer.concat(chunks));
    };
    const onError = (error: Error) => {
      stop();
      reject(error);
    };
    req.on("data", onData).on("end", onEnd).on("error", onError);
  });
}

function send(
  res: http.ServerResponse,
  status: number,
  body: Record<string, unknown>,
  headers: http.OutgoingHttpHeaders = {},
) {
  const text = JSON.stringify(body);
  res
    .writeHead(status, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(text),
      "x-content-type-options": "nosniff",
      ...headers,
    })
    .end(text);
}

/** Whether a request's URL is the webhook's path (its query, if any, aside). */
export function isSesWebhookPath(url: string | undefined): boolean {
  return (url ?? "/").split("?")[0] === SES_WEBHOOK_PATH;
}

export type SesWebhookListenerOptions = {
  log?: (message: string) => void;
  /**
   * Headers on every answer besides the JSON's own (the app server adds the ones next.config gives
   * every response, so its webhook answers carry what the Next.js route's did).
   */
  headers?: http.OutgoingHttpHeaders;
};

/**
 * The webhook as a node:http request listener, for a request already known to be on its path
 * (`isSesWebhookPath`): POST is answered by `answerSesWebhook`, any other method 405 (as the route
 * answers). Mounted by the standalone receiver (`sesReceiver`) and the app server (lib/app-server.ts).
 * `deps` is asked per request, so a process can build its dependencies lazily (`webhookDeps`).
 */
export function sesWebhookListener(
  deps: () => WebhookDeps,
  options: SesWebhookListenerOptions = {},
): http.RequestListener {
  const log = options.log ?? ((m: string) => console.error(`[feedback-receiver] ${m}`));
  const common = options.headers ?? {};
  return (req, res) => {
    if (req.method !== "POST")
      return send(res, 405, { error: "Method not allowed." }, { ...common, allow: "POST" });
    answerSesWebhook(
      {
        declaredLength: req.headers["content-length"],
        readBody: (limit) => readNodeBody(req, limit),
      },
      deps(),
    ).then(
      (answer) =>
        // A body refused part-way is left unread: the connection cannot carry another request.
        send(
          res,
          answer.status,
          answer.body,
          answer.status === 413 ? { ...common, connection: "close" } : common,
        ),
      (error: unknown) => {
        log(`answering failed: ${(error as Error).message}`);
        if (!res.headersSent)
          send(res, 500, { error: "Could not answer." }, { ...common, connection: "close" });
        else res.destroy();
      },
    );
  };
}

/**
 * The receiver's server (not yet listening): the webhook's listener on its path, 404 anywhere else.
 */
export function sesReceiver(
  deps: () => WebhookDeps,
  log: (message: string) => void = (m) => console.error(`[feedback-receiver] ${m}`),
): http.Server {
  const webhook = sesWebhookListener(deps, { log });
  return http.createServer((req, res) => {
    if (!isSesWebhookPath(req.url)) return send(res, 404, { error: "Not found." });
    webhook(req, res);
  });
}

/** The receiver's port could not be opened: a sentence for whoever starts it, not a stack. */
export class ReceiverPortError extends Error {}

/** For the scripts that start a receiver: a port that cannot be opened ends the process with a sentence. */
export async function startSesReceiverOrExit(
  ...args: Parameters<typeof startSesReceiver>
): ReturnType<typeof startSesReceiver> {
  try {
    return await startSesReceiver(...args);
  } catch (error) {
    if (!(error instanceof ReceiverPortError)) throw error;
    console.error(error.message);
    process.exit(2);
  }
}

/**
 * Starts the receiver on `port` (0: any free one) and `host`; resolves with the server once it
 * listens, having printed "ready <port>". `stop` closes it after the requests in hand.
 */
export async function startSesReceiver(
  deps: () => WebhookDeps,
  port: number,
  host: string,
): Promise<{ server: http.Server; port: number; stop: () => Promise<void> }> {
  const server = sesReceiver(deps);
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(
        error.code === "EADDRINUSE" || error.code === "EACCES"
          ? new ReceiverPortError(
              `The SES webhook receiver cannot listen on ${host}:${port}: ${
                error.code === "EADDRINUSE"
                  ? "another process is using that port"
                  : "this user may not open that port"
              }. Set FEEDBACK_RECEIVER_PORT to a free port (or stop the other process) and start it again.`,
            )
          : error,
      ),
    );
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const actual = (server.address() as AddressInfo).port;
  console.log(`[feedback-receiver] ready ${actual}: POST ${SES_WEBHOOK_PATH} on ${host}`);
  return {
    server,
    port: actual,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
