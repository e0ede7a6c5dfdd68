import { inject } from "vitest";
import { db } from "@/db/client";
import { DomainChecker } from "@/lib/address/domain-verdict";
import { refreshAccount } from "@/lib/mail/account";
import {
  dispatchOnce,
  emptyBatchResult,
  type BatchResult,
  type DispatcherOptions,
} from "@/lib/mail/dispatcher";
import { OfflineResolver } from "@/lib/mail/offline-dns";
import { SesTransport, type MailTransport } from "@/lib/mail/transport";

export const DEAD_DOMAIN = "dead-domain.com";

export function localSesTransport(): SesTransport {
  return new SesTransport({
    AWS_REGION: "us-east-1",
    SES_ENDPOINT: inject("sesUrl"),
    SES_FROM_ADDRESS: "Sendwell Test <no-reply@sendwell.test>",
    SES_CONFIGURATION_SET_TRANSACTIONAL: "sendwell-transactional",
    SES_CONFIGURATION_SET_BULK: "sendwell-bulk",
    SES_TENANTS: "false",
  });
}

export function dispatcherOptions(
  transport: MailTransport,
  extra: Partial<DispatcherOptions> = {},
): DispatcherOptions {
  return {
    db,
    transport,
    domains: new DomainChecker({ resolver: new OfflineResolver([DEAD_DOMAIN]) }),
    publicUrl: "http://localhost:3000",
    batchSize: 100,
    concurrency: 10,
    ...extra,
  };
}

/** Dispatches until nothing due is left; returns the totals. */
export async function drain(options: DispatcherOptions, maxRounds = 1_000): Promise<BatchResult> {
  await refreshAccount(db, options.transport);
  const total = emptyBatchResult();
  for (let i = 0; i < maxRounds; i++) {
    const r = await dispatchOnce(options);
    if (r.claimed === 0) break;
    for (const k of ["claimed", "sent", "held", "blocked", "failed", "retried"] as const)
      total[k] += r[k];
    total.paused ||= r.paused;
  }
  return total;
}

export type StoredEmail = {
  messageId: string;
  from: string;
  destination: { to: string[] };
  subject: string;
  body: { text?: string; html?: string };
  /** When local SES took it, in whole seconds. */
  at: number;
};

export async function sesStore(): Promise<StoredEmail[]> {
  const res = await fetch(`${inject("sesUrl")}/store`);
  return ((await res.json()) as { emails: StoredEmail[] }).emails;
}
