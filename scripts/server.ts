/**
 * `npm start`: the app's production server (after `npm run build`), in place of `next start`. One
 * node:http server on the app's port (`-p`, else PORT, else 3000; `-H` to bind one address, else
 * every one, as `next start`): POST /api/webhooks/ses is answered by the SES webhook's listener on
 * bare node:http (lib/app-server.ts), everything else by Next.js (its custom-server API), so SNS
 * notifications arrive at the standalone receiver's rate on the app's own URL. instrumentation.ts
 * runs as under `next start` (the dispatcher and applier start with the app). SIGTERM or SIGINT:
 * stop taking requests, answer those in hand (10 s at most), let Next.js finish its `after()` work,
 * stop the dispatcher and applier, close the database, exit.
 */
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import type { OutgoingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

// As `next start`: production unless told otherwise (next.config's HSTS header reads it too).
if (!process.env.NODE_ENV) Object.assign(process.env, { NODE_ENV: "production" });
// lib/startup.ts (in Next.js's bundle) leaves the signals to this server and hands it its stop.
const hooks: { stopRuntimes?: () => Promise<void> } = {};
(globalThis as unknown as { __sendwellAppServer?: typeof hooks }).__sendwellAppServer = hooks;

const { values } = parseArgs({
  options: { port: { type: "string", short: "p" }, hostname: { type: "string", short: "H" } },
});
const port = Number(values.port ?? process.env.PORT ?? 3000);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`The port "${values.port ?? process.env.PORT}" is not a port number (0 to 65535).`);
  process.exit(2);
}
const hostname = values.hostname;

const { envOrExit } = await import("@/lib/env");
envOrExit();
const { closeDb } = await import("@/db/client");
const { createAppServer, drainServer } = await import("@/lib/app-server");
const { sesWebhookListener } = await import("@/lib/feedback/receiver");
const { webhookDeps } = await import("@/lib/feedback/webhook-deps");
const { default: next } = await import("next");

const app = next({ dev: false, dir: process.cwd(), hostname: hostname ?? "localhost", port });
await app.prepare();

const server = createAppServer({
  webhook: sesWebhookListener(webhookDeps, { headers: await headersForEveryPath() }),
  next: app.getRequestHandler(),
});
await new Promise<void>((resolve) => {
  server.once("error", (error: NodeJS.ErrnoException) => {
    console.error(
      error.code === "EADDRINUSE" || error.code === "EACCES"
        ? `Sendwell cannot listen on ${hostname ?? "every address"}, port ${port}: ${
            error.code === "EADDRINUSE"
              ? "another process is using that port"
              : "this user may not open that port"
          }. Choose another with -p or PORT (or stop the other process) and start it again.`
        : `Sendwell cannot listen on port ${port}: ${error.message}`,
    );
    process.exit(2);
  });
  server.listen(port, hostname, resolve);
});
const actual = (server.address() as AddressInfo).port;
// As `next start` leaves them, for Next.js's own use.
process.env.PORT = String(actual);
process.env.__NEXT_PRIVATE_ORIGIN = `http://${hostname ?? "localhost"}:${actual}`;
console.log(
  `[sendwell] ready on ${hostname ?? "every address"}, port ${actual}: the SES webhook on bare node:http, the rest through Next.js`,
);

let stopping = false;
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    void (async () => {
      await drainServer(server, 10_000);
      await app.close().catch((e: unknown) => console.error(e));
      await hooks.stopRuntimes?.();
      // One pool for the process: Next.js's copy of db/client and this one share it (globalThis).
      await closeDb();
      process.exit(0);
    })();
  });
}

/**
 * The headers next.config.mjs gives every path (`/:path*`): the webhook's answers carry them as the
 * route's did under `next start`. A rule for any other source is refused, not silently skipped.
 */
async function headersForEveryPath(): Promise<OutgoingHttpHeaders> {
  // From the directory Next.js serves, as Next.js reads it.
  const file = pathToFileURL(join(process.cwd(), "next.config.mjs")).href;
  const config = ((await import(file)) as { default: unknown }).default as {
    headers?: () => Promise<{ source: string; headers: { key: string; value: string }[] }[]>;
  };
  const rules = (await config.headers?.()) ?? [];
  const other = rules.filter((rule) => rule.source !== "/:path*");
  if (other.length) {
    console.error(
      `next.config.mjs sets headers for ${other.map((r) => r.source).join(", ")}: the app server gives the SES webhook only the headers for every path (/:path*). Say in scripts/server.ts which of those apply to /api/webhooks/ses.`,
    );
    process.exit(2);
  }
  return Object.fromEntries(
    rules.flatMap((rule) => rule.headers.map((h) => [h.key.toLowerCase(), h.value])),
  );
}
