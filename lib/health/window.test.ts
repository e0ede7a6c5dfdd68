import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decideAll, type GuardSnapshot } from "@/lib/mail/guard";
import {
  applyOutcome,
  bounceStats,
  effectiveWindow,
  initialHealth,
  operatorClose,
  operatorOpen,
  resumeAfterFix,
  WINDOW_POLICY,
  type Outcome,
  type TenantHealth,
} from "./window";

const replay = (outcomes: Outcome[], from: TenantHealth = initialHealth()) =>
  outcomes.reduce((h, o) => applyOutcome(h, o), from);
const times = <const T>(n: number, x: T): T[] => Array.from({ length: n }, () => x);

describe("window transitions", () => {
  it("starts at 25, closed", () => {
    expect(initialHealth()).toEqual({
      window: 25,
      breaker: "closed",
      breakerReason: null,
      recent: "",
    });
  });

  it("grows by one per delivery, up to the maximum", () => {
    expect(replay(times(10, "delivered")).window).toBe(35);
    expect(
      applyOutcome({ ...initialHealth(), window: WINDOW_POLICY.max }, "delivered").window,
    ).toBe(WINDOW_POLICY.max);
  });

  it("halves on a hard bounce and on a complaint, never below 5", () => {
    expect(applyOutcome(initialHealth(), "hard_bounce").window).toBe(12);
    expect(applyOutcome(initialHealth(), "complaint").window).toBe(12);
    expect(replay(times(10, "hard_bounce")).window).toBe(5);
  });

  it("leaves the window alone on a soft bounce or a timeout", () => {
    expect(applyOutcome(initialHealth(), "soft_bounce").window).toBe(25);
    expect(applyOutcome(initialHealth(), "timeout").window).toBe(25);
  });

  it("records resolved outcomes only, keeping the last 200", () => {
    expect(replay(["delivered", "hard_bounce", "soft_bounce", "complaint", "timeout"]).recent).toBe(
      "dbsc",
    );
    expect(replay(times(250, "delivered")).recent).toHaveLength(200);
  });

  it("does not judge fewer than 20 resolved mails", () => {
    const h = replay(times(19, "hard_bounce"));
    expect(h.breaker).toBe("closed");
    expect(applyOutcome(h, "hard_bounce").breaker).toBe("open");
  });

  it("needs three hard bounces to trip: one ordinary bounce among 20 mails is not a dead list", () => {
    const one = replay([...times(19, "delivered"), "hard_bounce"]);
    expect(one.breaker).toBe("closed");
    const two = replay([...times(38, "delivered"), "hard_bounce", "hard_bounce"]);
    expect(two.breaker).toBe("closed");
    const three = replay([...times(37, "delivered"), ...times(3, "hard_bounce")]); // 3/40 = 7.5%
    expect(three.breaker).toBe("open");
  });

  it("leaves the window alone for mail to addresses delivered to before", () => {
    const h = initialHealth();
    expect(applyOutcome(h, "delivered", undefined, false)).toEqual({ ...h, recent: "d" });
    expect(applyOutcome(h, "hard_bounce", undefined, false)).toEqual({ ...h, recent: "b" });
  });

  it("opens at a 5% hard-bounce rate over the last 200, not below", () => {
    const below = replay([...times(181, "delivered"), ...times(9, "hard_bounce")]); // 9/190 = 4.7%
    expect(below.breaker).toBe("closed");
    const at = applyOutcome(below, "hard_bounce"); // 10/191 = 5.2%
    expect(at.breaker).toBe("open");
    expect(at.breakerReason).toMatch(/Hard-bounce rate 5\.2% over the last 191 bulk mails/);
  });

  it("forgets bounces older than the last 200", () => {
    const h = replay([...times(9, "hard_bounce"), ...times(200, "delivered")]);
    expect(bounceStats(h.recent)).toEqual({ resolved: 200, hardBounces: 0, rate: 0 });
  });

  it("stays open whatever arrives", () => {
    const open = operatorOpen(initialHealth(), "paused by operator");
    expect(replay(times(300, "delivered"), open).breaker).toBe("open");
  });

  it("resumes half-open at the minimum window with a clean slate", () => {
    const open = replay(times(20, "hard_bounce"));
    expect(resumeAfterFix(open)).toEqual({
      window: 5,
      breaker: "half_open",
      breakerReason: null,
      recent: "",
    });
    expect(resumeAfterFix(initialHealth())).toEqual(initialHealth());
  });

  it("re-opens half-open after two hard bounces, closes after 20 clean outcomes", () => {
    const half = resumeAfterFix(replay(times(20, "hard_bounce")));
    expect(replay(["hard_bounce"], half).breaker).toBe("half_open");
    expect(replay(["hard_bounce", "delivered", "hard_bounce"], half).breaker).toBe("open");
    expect(replay(times(20, "delivered"), half).breaker).toBe("closed");
    expect(replay(times(19, "delivered"), half).breaker).toBe("half_open");
  });

  it("lets an operator close a breaker into half-open", () => {
    const open = operatorOpen(initialHealth(), "x");
    expect(operatorClose(open).breaker).toBe("half_open");
    expect(operatorClose(initialHealth())).toEqual(initialHealth());
  });

  it("caps the effective window by the fair share and closes it when open", () => {
    expect(effectiveWindow({ window: 25, breaker: "closed" }, 250)).toBe(25);
    expect(effectiveWindow({ window: 25, breaker: "closed" }, 12.9)).toBe(12);
    expect(effectiveWindow({ window: 25, breaker: "half_open" }, 3)).toBe(3);
    expect(effectiveWindow({ window: 25, breaker: "open" }, 250)).toBe(0);
    expect(effectiveWindow({ window: 25, breaker: "closed" }, -1)).toBe(0);
  });
});

/**
 * A tenant driven through the real guard: each step either offers a batch of bulk mail to new
 * addresses, or lets SES report on some of the mail in flight.
 */
type Step = { kind: "offer"; count: number } | { kind: "report"; count: number; outcome: Outcome };

const stepArb = (outcomes: fc.Arbitrary<Outcome>) =>
  fc.oneof(
    fc.record({ kind: fc.constant("offer" as const), count: fc.integer({ min: 1, max: 60 }) }),
    fc.record({
      kind: fc.constant("report" as const),
      count: fc.integer({ min: 1, max: 30 }),
      outcome: outcomes,
    }),
  );

function simulate(steps: Step[], fairShare: number, everyOutcome?: Outcome) {
  let health = initialHealth();
  let inFlight = 0;
  let sent = 0;
  let bounces = 0;
  let maxOverWindow = 0;
  const report = (outcome: Outcome) => {
    inFlight--;
    if (outcome === "hard_bounce") bounces++;
    health = applyOutcome(health, outcome);
  };
  for (const step of steps) {
    if (step.kind === "offer") {
      const window = effectiveWindow(health, fairShare);
      const snap: GuardSnapshot = {
        now: new Date(0),
        domainVerdicts: new Map(),
        suppressed: new Set(),
        confirmed: new Set(),
        account: { pausedUntil: null, guard: "ok", bounceRate: 0 },
        budget: { total: Math.floor(fairShare), inFlight },
        tenants: new Map([["t", { breaker: health.breaker, window, inFlight, bounceRate: 0 }]]),
        tokens: 1_000,
        ratePerSecond: 1_000,
      };
      const mails = Array.from({ length: step.count }, (_, i) => ({
        tenantId: "t",
        lane: "bulk" as const,
        toAddress: `m${sent + i}@live.example.com`,
      }));
      const granted = decideAll(mails, snap).filter((d) => d.kind === "send").length;
      inFlight += granted;
      sent += granted;
      // A send is allowed only while in flight is below the window of that moment.
      if (granted > 0) maxOverWindow = Math.max(maxOverWindow, inFlight - window);
    } else {
      for (let i = 0; i < step.count && inFlight > 0; i++) report(everyOutcome ?? step.outcome);
    }
  }
  while (inFlight > 0) report(everyOutcome ?? "delivered"); // everything in flight resolves eventually
  return { health, sent, bounces, maxOverWindow };
}

const anyOutcome = fc.constantFrom<Outcome>(
  "delivered",
  "hard_bounce",
  "soft_bounce",
  "complaint",
  "timeout",
);

describe("window properties", () => {
  it("never lets unconfirmed mail in flight exceed the window it was sent under", () => {
    fc.assert(
      fc.property(
        fc.array(stepArb(anyOutcome), { maxLength: 200 }),
        fc.integer({ min: 0, max: 400 }),
        (steps, share) => {
          const { maxOverWindow, health } = simulate(steps, share);
          expect(maxOverWindow).toBeLessThanOrEqual(0);
          expect(health.window).toBeGreaterThanOrEqual(WINDOW_POLICY.min);
          expect(health.window).toBeLessThanOrEqual(WINDOW_POLICY.max);
        },
      ),
      { numRuns: 500 },
    );
  });

  // The bound: the breaker opens once 20 bulk mails have resolved (all bounces), and at most the
  // initial window of 25 can be in flight when it does, so at most 20 + 25 = 45 hard bounces.
  const DEAD_LIST_BOUND = WINDOW_POLICY.minResolved + WINDOW_POLICY.initial;

  it(`trips the breaker of an all-dead list after at most ${DEAD_LIST_BOUND} hard bounces`, () => {
    let worst = 0;
    fc.assert(
      fc.property(
        fc.array(stepArb(fc.constant<Outcome>("hard_bounce")), { minLength: 1, maxLength: 300 }),
        fc.integer({ min: 25, max: 400 }),
        (steps, share) => {
          // Keep offering until the guard lets nothing more out: a bulk registration of 5,000 dead addresses.
          const drainPhase = Array.from({ length: 50 }, (): Step[] => [
            { kind: "offer", count: 60 },
            { kind: "report", count: 60, outcome: "hard_bounce" },
          ]).flat();
          const { health, bounces, sent } = simulate(
            [...steps, ...drainPhase],
            share,
            "hard_bounce",
          );
          worst = Math.max(worst, bounces);
          expect(health.breaker).toBe("open");
          expect(bounces).toBe(sent);
          expect(bounces).toBeLessThanOrEqual(DEAD_LIST_BOUND);
        },
      ),
      { numRuns: 300 },
    );
    expect(worst).toBeGreaterThanOrEqual(WINDOW_POLICY.minResolved);
  });

  it("after a resume, a list still dead costs at most 2 + 5 more bounces", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), (batch) => {
        let health = resumeAfterFix(replay(times(20, "hard_bounce")));
        let inFlight = 0;
        let bounces = 0;
        for (let round = 0; round < 100; round++) {
          const room = Math.max(0, Math.min(batch, effectiveWindow(health, 1_000) - inFlight));
          inFlight += room;
          while (inFlight > 0) {
            inFlight--;
            bounces++;
            health = applyOutcome(health, "hard_bounce");
          }
        }
        expect(health.breaker).toBe("open");
        expect(bounces).toBeLessThanOrEqual(WINDOW_POLICY.halfOpenTripBounces + WINDOW_POLICY.min);
      }),
    );
  });
});
