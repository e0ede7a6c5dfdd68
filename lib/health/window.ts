/**
 * A tenant's bulk window and breaker as pure transitions (DESIGN.md, "Bounce budget and tenant
 * windows"). The state is small enough to store in one row and replay in a simulation.
 */
export type Outcome = "delivered" | "hard_bounce" | "soft_bounce" | "complaint" | "timeout";
export type Breaker = "closed" | "open" | "half_open";

export type TenantHealth = {
  window: number;
  breaker: Breaker;
  breakerReason: string | null;
  /** The last resolved bulk outcomes, oldest first: d delivered, b hard bounce, s soft bounce, c complaint. */
  recent: string;
};

export const WINDOW_POLICY = {
  initial: 25,
  min: 5,
  max: 10_000,
  ringSize: 200,
  /** The breaker judges only once this many bulk mails have resolved. */
  minResolved: 20,
  tripRate: 0.05,
  /** One ordinary bounce among a new tenant's first 20 mails is 5%: it takes three to trip. */
  minBounces: 3,
  /** After a resume, this many hard bounces re-open at once: the admin said the list was fixed. */
  halfOpenTripBounces: 2,
  halfOpenCloseAfter: 20,
} as const;

export type WindowPolicy = typeof WINDOW_POLICY;

const CODE: Record<Exclude<Outcome, "timeout">, string> = {
  delivered: "d",
  hard_bounce: "b",
  soft_bounce: "s",
  complaint: "c",
};

export function initialHealth(policy: WindowPolicy = WINDOW_POLICY): TenantHealth {
  return { window: policy.initial, breaker: "closed", breakerReason: null, recent: "" };
}

export function bounceStats(recent: string): {
  resolved: number;
  hardBounces: number;
  rate: number;
} {
  let hardBounces = 0;
  for (let i = 0; i < recent.length; i++) if (recent.charCodeAt(i) === 98 /* b */) hardBounces++;
  return {
    resolved: recent.length,
    hardBounces,
    rate: recent.length ? hardBounces / recent.length : 0,
  };
}

function nextWindow(window: number, outcome: Outcome, policy: WindowPolicy): number {
  switch (outcome) {
    case "delivered":
      return Math.min(policy.max, window + 1);
    case "hard_bounce":
    case "complaint":
      return Math.max(policy.min, Math.floor(window / 2));
    case "soft_bounce":
    case "timeout":
      return window;
  }
}

const percent = (rate: number) => `${(rate * 100).toFixed(1)}%`;

/** One resolved (or timed-out) bulk mail of this tenant. */
export function applyOutcome(
  health: TenantHealth,
  outcome: Outcome,
  policy: WindowPolicy = WINDOW_POLICY,
  /** Mail to an address SES had delivered to before says nothing about the list: the window stays. */
  unconfirmed = true,
): TenantHealth {
  const window = unconfirmed ? nextWindow(health.window, outcome, policy) : health.window;
  if (outcome === "timeout") return { ...health, window };
  const recent = (health.recent + CODE[outcome]).slice(-policy.ringSize);
  const stats = bounceStats(recent);
  const next = { ...health, window, recent };

  if (
    health.breaker === "closed" &&
    stats.resolved >= policy.minResolved &&
    stats.hardBounces >= policy.minBounces &&
    stats.rate >= policy.tripRate
  ) {
    return {
      ...next,
      breaker: "open",
      breakerReason: `Hard-bounce rate ${percent(stats.rate)} over the last ${stats.resolved} bulk mails (limit ${percent(policy.tripRate)}).`,
    };
  }
  if (health.breaker === "half_open") {
    if (stats.hardBounces >= policy.halfOpenTripBounces) {
      return {
        ...next,
        breaker: "open",
        breakerReason: `${stats.hardBounces} hard bounces again after sending resumed.`,
      };
    }
    if (stats.resolved >= policy.halfOpenCloseAfter && stats.rate < policy.tripRate) {
      return { ...next, breaker: "closed", breakerReason: null };
    }
  }
  return next;
}

/** The admin fixed the addresses: try again carefully, judged afresh. */
export function resumeAfterFix(
  health: TenantHealth,
  policy: WindowPolicy = WINDOW_POLICY,
): TenantHealth {
  if (health.breaker !== "open") return health;
  return { window: policy.min, breaker: "half_open", breakerReason: null, recent: "" };
}

export function operatorOpen(health: TenantHealth, reason: string): TenantHealth {
  return { ...health, breaker: "open", breakerReason: reason };
}

export function operatorClose(
  health: TenantHealth,
  policy: WindowPolicy = WINDOW_POLICY,
): TenantHealth {
  if (health.breaker === "closed") return health;
  return { window: policy.min, breaker: "half_open", breakerReason: null, recent: "" };
}

/** How much unconfirmed bulk mail this tenant may have in flight now. */
export function effectiveWindow(
  health: Pick<TenantHealth, "window" | "breaker">,
  fairShare: number,
): number {
  if (health.breaker === "open") return 0;
  return Math.max(0, Math.min(health.window, Math.floor(fairShare)));
}
