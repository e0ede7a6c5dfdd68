/**
 * `npm run worker`: the mail dispatcher and the feedback applier on their own (run any number; they
 * share the queue and the events safely), and with FEEDBACK_RECEIVER_PORT set, the standalone SES
 * webhook receiver too (lib/feedback/receiver.ts).
 */
import { closeDb } from "@/db/client";
import { envOrExit } from "@/lib/env";
import { startSesReceiverOrExit } from "@/lib/feedback/receiver";
import { startFeedbackRuntime, stopFeedbackRuntime } from "@/lib/feedback/start";
import { webhookDeps } from "@/lib/feedback/webhook-deps";
import { startHousekeeping, stopHousekeeping } from "@/lib/housekeeping/start";
import { startMailRuntime, stopMailRuntime } from "@/lib/mail/start";

const config = envOrExit();
const receiver =
  config.FEEDBACK_RECEIVER_PORT === undefined
    ? undefined
    : await startSesReceiverOrExit(
        webhookDeps,
        config.FEEDBACK_RECEIVER_PORT,
        config.FEEDBACK_RECEIVER_HOST,
      );
startMailRuntime();
startFeedbackRuntime();
startHousekeeping();
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, async () => {
    console.log("[worker] stopping after the batches in hand…");
    stopHousekeeping();
    await Promise.all([receiver?.stop(), stopMailRuntime(), stopFeedbackRuntime()]);
    await closeDb();
    process.exit(0);
  });
}
