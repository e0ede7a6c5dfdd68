import { db } from "@/db/client";
import { env } from "@/lib/env";
import { startApplier, type RunningApplier } from "./applier";

const running = globalThis as unknown as { __sendwellApplier?: RunningApplier };

/** Starts the feedback applier once per process (the Next.js server or `npm run worker`). */
export function startFeedbackRuntime(
  log: (m: string) => void = (m) => console.log(`[feedback] ${m}`),
): RunningApplier {
  if (running.__sendwellApplier) return running.__sendwellApplier;
  const config = env();
  running.__sendwellApplier = startApplier({
    db,
    batchSize: config.FEEDBACK_BATCH_SIZE,
    pollMs: config.FEEDBACK_POLL_MS,
    log,
  });
  log(`applier started (batches of ${config.FEEDBACK_BATCH_SIZE}, woken by the webhook)`);
  return running.__sendwellApplier;
}

export async function stopFeedbackRuntime(): Promise<void> {
  const applier = running.__sendwellApplier;
  running.__sendwellApplier = undefined;
  await applier?.stop();
}
