/**
 * `npm run worker`: the mail dispatcher and the feedback applier on their own (run any number; they
 * share the queue and the events safely).
 */
import { closeDb } from "@/db/client";
import { ConfigError, env } from "@/lib/env";
import { startFeedbackRuntime, stopFeedbackRuntime } from "@/lib/feedback/start";
import { startHousekeeping, stopHousekeeping } from "@/lib/housekeeping/start";
import { startMailRuntime, stopMailRuntime } from "@/lib/mail/start";

try {
  env();
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(2);
  }
  throw error;
}
startMailRuntime();
startFeedbackRuntime();
startHousekeeping();
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, async () => {
    console.log("[worker] stopping after the batches in hand…");
    stopHousekeeping();
    await Promise.all([stopMailRuntime(), stopFeedbackRuntime()]);
    await closeDb();
    process.exit(0);
  });
}
