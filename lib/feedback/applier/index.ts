/**
 * The feedback applier (DESIGN.md, "Durable receipt, batched apply"): the webhook stores each SES
 * event unapplied; appliers in the app and in workers claim them in batches (`SKIP LOCKED`), apply
 * them set-based in one transaction per batch (./batch, planned by ./plan), retry a failing event
 * and park it after the last attempt (./parked), woken by the webhook's NOTIFY (./loop).
 */
export { applyBatch, applyPending, type ApplierOptions, type BatchResult } from "./batch";
export { startApplier, type RunningApplier } from "./loop";
export {
  applierBacklog,
  parkedEvents,
  retryParkedEvent,
  type ApplierBacklog,
  type ParkedEvent,
} from "./parked";
export { applierVerdict, ageInWords, type ApplierVerdict } from "./verdict";
