import type { Database } from "@/db/client";
import type { DomainChecker } from "@/lib/address/domain-verdict";
import { MAIL_DEFAULTS } from "@/lib/env";
import { DEFAULT_THRESHOLDS, type GuardThresholds } from "@/lib/health/account-guard";
import type { Semaphore } from "@/lib/semaphore";
import type { MailTransport } from "../transport";

export type DispatcherOptions = {
  db: Database;
  transport: MailTransport;
  domains?: DomainChecker;
  publicUrl: string;
  sesTenants?: boolean;
  batchSize?: number;
  concurrency?: number;
  leaseMs?: number;
  /** Unconfirmed bulk mail stops counting against the windows after this long without an event. */
  confirmAfterMs?: number;
  minVolume?: number;
  maxAttempts?: number;
  thresholds?: GuardThresholds;
  log?: (message: string) => void;
  /** Shared by the pipelines of one process so their sends together stay within `concurrency`. */
  limiter?: Semaphore;
};

export type LoopOptions = DispatcherOptions & {
  pollMs?: number;
  accountCheckMs?: number;
  pipelines?: number;
};

export type ResolvedOptions = Omit<LoopOptions, keyof typeof MAIL_DEFAULTS | "thresholds"> &
  Record<keyof typeof MAIL_DEFAULTS, number> & { thresholds: GuardThresholds };

/** The options with every unset setting taken from MAIL_DEFAULTS (the MAIL_* variables' defaults). */
export function withDefaults(options: LoopOptions): ResolvedOptions {
  const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  return { ...MAIL_DEFAULTS, thresholds: DEFAULT_THRESHOLDS, ...defined } as ResolvedOptions;
}
