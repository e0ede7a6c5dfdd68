/**
 * `npm run receiver`: the standalone SES webhook receiver alone (lib/feedback/receiver.ts) on
 * FEEDBACK_RECEIVER_PORT (default 3100), for a process of its own beside `next start` and the
 * worker; `npm run worker` runs it too when FEEDBACK_RECEIVER_PORT is set. It only stores events:
 * an applier (the app's or the worker's) applies them.
 */
import { closeDb } from "@/db/client";
import { envOrExit } from "@/lib/env";
import { startSesReceiverOrExit } from "@/lib/feedback/receiver";
import { webhookDeps } from "@/lib/feedback/webhook-deps";

const config = envOrExit();
const receiver = await startSesReceiverOrExit(
  webhookDeps,
  config.FEEDBACK_RECEIVER_PORT ?? 3100,
  config.FEEDBACK_RECEIVER_HOST,
);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, async () => {
    await receiver.stop();
    await closeDb();
    process.exit(0);
  });
}
