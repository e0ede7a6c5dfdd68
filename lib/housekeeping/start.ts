import { env } from "@/lib/env";
import { dropExpiredImportRows } from "@/lib/members/import/retention";

/** How often the periodic jobs run (and once at start): retention is counted in days. */
export const HOUSEKEEPING_EVERY_MS = 60 * 60_000;

const running = globalThis as unknown as { __sendwellHousekeeping?: NodeJS.Timeout };

/** One round of the periodic jobs; each one's failure is logged and the next round tries again. */
export async function runHousekeeping({
  log = (m) => console.log(`[housekeeping] ${m}`),
  now = new Date(),
  days = env().IMPORT_RETENTION_DAYS,
}: { log?: (m: string) => void; now?: Date; days?: number } = {}): Promise<void> {
  try {
    const dropped = await dropExpiredImportRows(days, now);
    if (dropped.committed + dropped.abandoned > 0) {
      log(
        `dropped the rows of ${dropped.committed} committed and ${dropped.abandoned} abandoned imports older than ${days} days`,
      );
    }
  } catch (error) {
    log(`import retention failed, will try again: ${(error as Error).message}`);
  }
}

/** Starts the periodic jobs once per process (the Next.js server or `npm run worker`). */
export function startHousekeeping(): void {
  if (running.__sendwellHousekeeping) return;
  void runHousekeeping();
  running.__sendwellHousekeeping = setInterval(() => void runHousekeeping(), HOUSEKEEPING_EVERY_MS);
  running.__sendwellHousekeeping.unref();
}

export function stopHousekeeping(): void {
  clearInterval(running.__sendwellHousekeeping);
  running.__sendwellHousekeeping = undefined;
}
