/**
 * The guard: a pure decision for each mail against a snapshot loaded in batch by the dispatcher.
 * The order is DESIGN.md's: address, suppression, account state, account guard, tenant breaker,
 * budget and window, rate; transactional mail skips the bulk-only steps (4-6).
 */
import type { GuardLevel } from "@/lib/health/account-guard";
import type { Breaker } from "@/lib/health/window";
import { domainOf } from "@/lib/address/normalise";
import { syntaxProblem } from "@/lib/address/syntax";
import type { DomainVerdict } from "@/lib/address/domain-verdict";
import type { MailLane } from "@/db/schema/mail";
import { isSuppressedFor } from "@/lib/suppressions/rule";

export type BlockReason = "no_address" | "invalid_address" | "domain_not_found" | "suppressed";
export type HoldReason =
  | "account_paused"
  | "bulk_stopped"
  | "account_guard"
  | "tenant_paused"
  | "window_full"
  | "rate_limited";

export type Decision =
  | { kind: "send"; unconfirmed: boolean }
  | { kind: "hold"; reason: HoldReason; until: Date }
  | { kind: "block"; reason: BlockReason };

/** `tenantId` is null only for alerts to operators (transactional: no tenant step applies). */
export type GuardMail = { tenantId: string | null; lane: MailLane; toAddress: string | null };

export type TenantSnapshot = {
  breaker: Breaker;
  /** Effective window: min(W, fair share of the budget), 0 when the breaker is open. */
  window: number;
  /** Unconfirmed bulk mail of this tenant in flight; `decideAll` counts sends into it. */
  inFlight: number;
  /** This tenant's hard-bounce rate over its recent bulk mail, compared with the account's. */
  bounceRate: number;
};

export type GuardSnapshot = {
  now: Date;
  domainVerdicts: ReadonlyMap<string, DomainVerdict>;
  /** Keys from lib/suppressions (`suppressionKeys`), checked with `isSuppressedFor`. */
  suppressed: ReadonlySet<string>;
  /** Addresses SES has delivered to before. */
  confirmed: ReadonlySet<string>;
  account: {
    pausedUntil: Date | null;
    /** An operator stopped all bulk mail for the account. */
    bulkStopped?: boolean;
    guard: GuardLevel;
    bounceRate: number;
  };
  budget: { total: number; inFlight: number };
  tenants: ReadonlyMap<string, TenantSnapshot>;
  /** Send-rate tokens granted for this batch; `decideAll` spends them. */
  tokens: number;
  ratePerSecond: number;
};

/**
 * One advisory lock for the guard's decide-and-record step, shared by every dispatcher process, and
 * taken by whatever changes what the guard decides on (a resume, a pause, the bulk stop): a batch
 * decided on the old state is recorded before the change, never after it.
 */
export const GUARD_LOCK = 7_340_002;

export const HOLD_RETRY_MS = {
  account_paused: 5 * 60_000,
  // Until an operator lifts the stop; lifting it makes the held mail due at once.
  bulk_stopped: 10 * 60_000,
  account_guard: 60_000,
  // Until the admin fixes the list and resumes; resuming makes the held mail due at once.
  tenant_paused: 10 * 60_000,
  window_full: 5_000,
} as const;

const CLOSED: TenantSnapshot = { breaker: "closed", window: 0, inFlight: 0, bounceRate: 0 };

function hold(reason: HoldReason, now: Date, ms: number): Decision {
  return { kind: "hold", reason, until: new Date(now.getTime() + ms) };
}

export function decide(mail: GuardMail, snap: GuardSnapshot): Decision {
  const address = mail.toAddress;
  const { now } = snap;
  // 1. The address itself.
  if (!address) return { kind: "block", reason: "no_address" };
  if (syntaxProblem(address) !== null) return { kind: "block", reason: "invalid_address" };
  // A DNS error or timeout is "unknown" and does not block: our network's trouble is no reason to drop mail.
  if (snap.domainVerdicts.get(domainOf(address))?.status === "not_found") {
    return { kind: "block", reason: "domain_not_found" };
  }
  // 2. Suppression lists.
  if (isSuppressedFor(snap.suppressed, mail.tenantId ?? "", address)) {
    return { kind: "block", reason: "suppressed" };
  }
  // 3. SES itself paused us.
  if (snap.account.pausedUntil && snap.account.pausedUntil > now) {
    return { kind: "hold", reason: "account_paused", until: snap.account.pausedUntil };
  }
  const tenant = (mail.tenantId && snap.tenants.get(mail.tenantId)) || CLOSED;
  const unconfirmed = mail.lane === "bulk" && !snap.confirmed.has(address);
  if (mail.lane === "bulk") {
    // 4. An operator stopped all bulk mail; the account guard stops it, first for the tenants
    //    worse than the account.
    if (snap.account.bulkStopped) return hold("bulk_stopped", now, HOLD_RETRY_MS.bulk_stopped);
    const guard = snap.account.guard;
    if (
      guard === "stop_all_bulk" ||
      (guard === "stop_bulk_above" && tenant.bounceRate > snap.account.bounceRate)
    ) {
      return hold("account_guard", now, HOLD_RETRY_MS.account_guard);
    }
    // 5. The tenant's breaker.
    if (tenant.breaker === "open") return hold("tenant_paused", now, HOLD_RETRY_MS.tenant_paused);
    // 6. The account budget and the tenant window cap unconfirmed mail in flight.
    if (
      unconfirmed &&
      (snap.budget.inFlight >= snap.budget.total || tenant.inFlight >= tenant.window)
    ) {
      return hold("window_full", now, HOLD_RETRY_MS.window_full);
    }
  }
  // 7. Send rate.
  if (snap.tokens < 1) {
    const ms = Math.ceil(1000 / Math.max(snap.ratePerSecond, 0.001));
    return hold("rate_limited", now, ms);
  }
  return { kind: "send", unconfirmed };
}

/** Decides a batch in order, spending tokens and window as sends are granted. Mutates `snap`'s counters. */
export function decideAll(mails: readonly GuardMail[], snap: GuardSnapshot): Decision[] {
  const tenants = snap.tenants as Map<string, TenantSnapshot>;
  return mails.map((mail) => {
    const decision = decide(mail, snap);
    if (decision.kind === "send") {
      snap.tokens -= 1;
      if (decision.unconfirmed && mail.tenantId) {
        snap.budget.inFlight += 1;
        const tenant = tenants.get(mail.tenantId);
        if (tenant) tenant.inFlight += 1;
        else tenants.set(mail.tenantId, { ...CLOSED, inFlight: 1 });
      }
    }
    return decision;
  });
}
