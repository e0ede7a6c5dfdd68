import { Semaphore } from "@/lib/semaphore";
import type { OnProgress } from "./rows";

const holder = globalThis as typeof globalThis & { __sendwellImportSlots?: Semaphore };

/**
 * Checking or committing a large file holds a few hundred MB for a few seconds: at most two run at
 * once per process, so a burst of uploads queues instead of exhausting memory.
 */
export async function withImportSlot<T>(
  onProgress: OnProgress,
  work: () => Promise<T>,
): Promise<T> {
  const slots = (holder.__sendwellImportSlots ??= new Semaphore(2));
  if (slots.busy) onProgress({ phase: "Waiting for other imports to finish" });
  return slots.use(work);
}

export const noProgress: OnProgress = () => {};
