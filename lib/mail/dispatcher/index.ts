/**
 * The dispatcher (DESIGN.md, "Dispatcher"): claim due mail (outbox), load a snapshot in batch
 * (./snapshot), ask the pure guard, send in parallel (./send), record every result (outbox), and
 * the loop around it (./loop). Runs in the Next.js server and in `npm run worker`.
 */
export { dispatchOnce, emptyBatchResult, type BatchResult } from "./dispatch-once";
export { startDispatcher, type RunningDispatcher } from "./loop";
export type { DispatcherOptions, LoopOptions } from "./options";
export { backoffMs } from "./send";
export { releaseExpiredLeases } from "../outbox";
