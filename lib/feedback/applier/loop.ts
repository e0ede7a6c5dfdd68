import type postgres from "postgres";
import { pgOf, type Database } from "@/db/client";
import { APPLIER_DEFAULTS } from "@/lib/env";
import { FEEDBACK_CHANNEL } from "../receive";
import { applyBatch, withApplierDefaults, type ApplierOptions } from "./batch";

export type RunningApplier = { stop: () => Promise<void>; done: Promise<void> };

export type LoopOptions = ApplierOptions & {
  db: Database;
  /** The fallback poll; a notification from the webhook wakes the applier at once. */
  pollMs?: number;
  /** Listen for the webhook's notifications (off where the database has no LISTEN, e.g. a pooler). */
  listen?: boolean;
};

/**
 * The applier's loop: applies batch after batch while there are due events, then waits for the
 * webhook's notification (LISTEN/NOTIFY, delivered when the event commits) or the fallback poll.
 * Several may run, in the app and in workers: they share the events through `SKIP LOCKED`.
 * `stop()` finishes the batch in hand and returns.
 */
export function startApplier(given: LoopOptions): RunningApplier {
  const options = { ...withApplierDefaults(given), log: given.log };
  const pollMs = given.pollMs ?? APPLIER_DEFAULTS.pollMs;
  const log = given.log ?? ((m: string) => console.warn(`[feedback] ${m}`));
  const controller = new AbortController();
  let notified = false;
  let wake: (() => void) | null = null;
  const nudge = () => {
    notified = true;
    wake?.();
  };
  controller.signal.addEventListener("abort", nudge, { once: true });

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (notified) return resolve();
      const timer = setTimeout(() => wake?.(), ms);
      wake = () => {
        clearTimeout(timer);
        wake = null;
        resolve();
      };
    });

  const listening =
    given.listen === false
      ? Promise.resolve(null)
      : (pgOf(given.db) as postgres.Sql).listen(FEEDBACK_CHANNEL, nudge).catch((e) => {
          log(`cannot listen for new events (${(e as Error).message}); polling every ${pollMs} ms`);
          return null;
        });

  async function loop() {
    while (!controller.signal.aborted) {
      notified = false;
      try {
        const result = await applyBatch(given.db, options);
        // A full batch means more are waiting; otherwise wait for the next notification.
        if (result.claimed < options.batchSize) await sleep(pollMs);
      } catch (error) {
        log(`applying feedback failed: ${(error as Error).message}`);
        notified = false;
        await sleep(Math.max(pollMs, 2_000));
      }
    }
  }

  const done = loop();
  return {
    done,
    stop: async () => {
      controller.abort();
      await done;
      await (await listening)?.unlisten().catch(() => {});
    },
  };
}
