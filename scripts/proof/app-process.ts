/**
 * One app-like process for `npm run proof:multiprocess`: what `next start` runs for mail, without
 * the pages: the SES webhook (the route's handler and dependencies) on node:http, and the dispatcher
 * and applier started as instrumentation.ts starts them (lib/startup). Prints "ready <port>".
 */
import type { AddressInfo } from "node:net";
import { sesReceiver } from "@/lib/feedback/receiver";
import { webhookDeps } from "@/lib/feedback/webhook-deps";
import "@/lib/startup";

const server = sesReceiver(webhookDeps);
server.listen(0, "127.0.0.1", () => {
  console.log(`ready ${(server.address() as AddressInfo).port}`);
});
