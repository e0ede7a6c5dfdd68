import { db } from "@/db/client";
import { DomainChecker, setDefaultDomainChecker } from "@/lib/address/domain-verdict";
import { env, guardThresholds } from "@/lib/env";
import { startDispatcher, type RunningDispatcher } from "./dispatcher";
import { OfflineResolver } from "./offline-dns";
import { SesTransport } from "./transport";

const running = globalThis as unknown as { __sendwellDispatcher?: RunningDispatcher };

/** Chooses the DNS the address checks use: the system's, or the offline one (demo, tests). */
export function configureAddressDns(): void {
  const config = env();
  if (config.ADDRESS_DNS === "offline") {
    setDefaultDomainChecker(
      new DomainChecker({ resolver: new OfflineResolver(config.ADDRESS_DEAD_DOMAINS) }),
    );
  }
}

/** Starts the dispatcher once per process (the Next.js server or `npm run worker`). */
export function startMailRuntime(
  log: (m: string) => void = (m) => console.log(`[mail] ${m}`),
): RunningDispatcher {
  if (running.__sendwellDispatcher) return running.__sendwellDispatcher;
  const config = env();
  configureAddressDns();
  const dispatcher = startDispatcher({
    db,
    transport: new SesTransport(config),
    publicUrl: config.PUBLIC_URL,
    sesTenants: config.SES_TENANTS === "true",
    batchSize: config.MAIL_BATCH_SIZE,
    concurrency: config.MAIL_CONCURRENCY,
    pipelines: config.MAIL_PIPELINES,
    pollMs: config.MAIL_POLL_MS,
    minVolume: config.MAIL_MIN_VOLUME,
    leaseMs: config.MAIL_LEASE_MS,
    thresholds: guardThresholds(config),
    log,
  });
  running.__sendwellDispatcher = dispatcher;
  log(
    `dispatcher started (${config.SES_ENDPOINT ? `SES at ${config.SES_ENDPOINT}` : `SES in ${config.AWS_REGION}`}, DNS ${config.ADDRESS_DNS})`,
  );
  return dispatcher;
}

export async function stopMailRuntime(): Promise<void> {
  const dispatcher = running.__sendwellDispatcher;
  running.__sendwellDispatcher = undefined;
  await dispatcher?.stop();
}
