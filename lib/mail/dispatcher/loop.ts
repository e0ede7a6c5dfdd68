import { accountCounts, type AccountCounts } from "@/lib/health/rates";
import { Semaphore } from "@/lib/semaphore";
import { refreshAccount } from "../account";
import { dispatchOnce } from "./dispatch-once";
import { withDefaults, type LoopOptions } from "./options";

export type RunningDispatcher = { stop: () => Promise<void>; done: Promise<void> };

/**
 * The loop: dispatches while there is due mail, sleeps `pollMs` when there is none, checks the SES
 * account every `accountCheckMs`. Pipelines overlap so one batch's database work happens while the
 * other's mail is being sent; a shared limiter keeps their sends within `concurrency`.
 * `stop()` finishes the batches in hand and returns.
 */
export function startDispatcher(given: LoopOptions): RunningDispatcher {
  const options = withDefaults(given);
  const controller = new AbortController();
  const log = options.log ?? ((m: string) => console.log(`[mail] ${m}`));
  const limiter = new Semaphore(options.concurrency);
  let counts: { value: Promise<AccountCounts>; at: number } | undefined;
  let lastCheck = 0;
  let lastError: string | null = null;

  // Wakes early on stop; the abort listener is removed either way, so idle loops do not pile them up.
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        controller.signal.removeEventListener("abort", wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      controller.signal.addEventListener("abort", wake, { once: true });
    });

  async function checkAccount() {
    if (Date.now() - lastCheck < options.accountCheckMs) return;
    lastCheck = Date.now();
    const checked = await refreshAccount(options.db, options.transport);
    if (!checked.ok && checked.error !== lastError) {
      log(
        `cannot read the SES account (${checked.error}). Check SES_ENDPOINT, AWS_REGION and the credentials; mail stays queued until SES answers.`,
      );
    }
    lastError = checked.ok ? null : checked.error;
  }

  async function pipeline(first: boolean) {
    while (!controller.signal.aborted) {
      try {
        if (first) await checkAccount();
        // Account rates change slowly; reading them every few seconds is plenty.
        if (!counts || Date.now() - counts.at > 5_000) {
          counts = { value: accountCounts(options.db), at: Date.now() };
        }
        const result = await dispatchOnce({ ...options, log, limiter }, await counts.value);
        if (result.paused) lastCheck = Date.now();
        if (result.claimed < options.batchSize) await sleep(options.pollMs);
      } catch (error) {
        counts = undefined;
        log(`dispatch failed: ${(error as Error).message}`);
        await sleep(Math.max(options.pollMs, 2_000));
      }
    }
  }

  const done = Promise.all(
    Array.from({ length: Math.max(1, options.pipelines) }, (_, i) => pipeline(i === 0)),
  ).then(() => undefined);

  return {
    done,
    stop: async () => {
      controller.abort();
      await done;
    },
  };
}
