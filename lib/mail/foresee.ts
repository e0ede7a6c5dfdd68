/**
 * What will actually happen to mail about to be queued (or just queued), asked of the guard's own
 * decide() against a snapshot loaded like the dispatcher's, without taking anything: so an answer
 * such as "on its way" is said only when the guard would send it now.
 */
import { db as defaultDb, type Executor } from "@/db/client";
import { defaultDomainChecker } from "@/lib/address/domain-verdict";
import { domainOf } from "@/lib/address/normalise";
import { env, guardThresholds } from "@/lib/env";
import { accountCounts } from "@/lib/health/rates";
import { loadSnapshot } from "./dispatcher/snapshot";
import { decideAll, type BlockReason, type GuardMail, type HoldReason } from "./guard";
import { REASON_TEXT } from "./reasons";

export type Foresight =
  /** The guard sends it now, or within moments (its turn in the window or the send rate). */
  | { kind: "send" }
  /** It waits behind a pause until someone or something lifts it. */
  | { kind: "hold"; reason: HoldReason; text: string }
  | { kind: "block"; reason: BlockReason; text: string };

// Waits of seconds, not pauses: the mail goes out by itself in a moment.
const MOMENTARY: readonly HoldReason[] = ["window_full", "rate_limited"];

export async function foresee(
  mails: readonly GuardMail[],
  db: Executor = defaultDb,
): Promise<Foresight[]> {
  if (mails.length === 0) return [];
  const domains = new Set(
    mails.flatMap((m) => (m.toAddress?.includes("@") ? [domainOf(m.toAddress)] : [])),
  );
  const [verdicts, counts] = await Promise.all([
    defaultDomainChecker().verdicts(domains),
    accountCounts(db),
  ]);
  const snapshot = await loadSnapshot(
    db,
    mails,
    // The dispatcher's own settings (lib/mail/start), so the forecast judges as it will.
    { minVolume: env().MAIL_MIN_VOLUME, thresholds: guardThresholds() },
    counts,
    verdicts,
    true,
  );
  return decideAll(mails, snapshot.guard).map((decision): Foresight => {
    if (decision.kind === "send") return { kind: "send" };
    if (decision.kind === "hold") {
      if (MOMENTARY.includes(decision.reason)) return { kind: "send" };
      return { kind: "hold", reason: decision.reason, text: REASON_TEXT[decision.reason]! };
    }
    return { kind: "block", reason: decision.reason, text: REASON_TEXT[decision.reason]! };
  });
}

/** One mail's forecast. */
export async function foreseeOne(mail: GuardMail, db: Executor = defaultDb): Promise<Foresight> {
  return (await foresee([mail], db))[0]!;
}

/**
 * What a person is told about a mail just queued: "on its way" only when it is; otherwise held and
 * why (the reason text says what lifts it), or not sent and why. `what` starts with a capital:
 * "A new invitation", "A reset link".
 */
export function foresightSentence(what: string, address: string, f: Foresight): string {
  if (f.kind === "send") return `${what} is on its way to ${address}.`;
  if (f.kind === "hold")
    return `${what} to ${address} is queued but held, not sent yet: ${f.text} It goes out by itself once that is lifted.`;
  return `${what} to ${address} will not be sent: ${f.text}`;
}
