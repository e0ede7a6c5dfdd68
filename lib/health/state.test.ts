import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { describeSendState, type SendStateFacts } from "./state";

const calm: SendStateFacts = {
  breaker: "closed",
  breakerReason: null,
  breakerChangedAt: null,
  breakerChangedBy: null,
  window: 25,
  inFlight: 0,
  held: {},
  account: {
    sesPaused: false,
    bulkStoppedAt: null,
    bulkStoppedReason: null,
    guard: "ok",
    guardStopsTenant: false,
    guardReason: null,
  },
};
const opened = new Date("2026-12-01T10:00:00Z");

describe("describeSendState", () => {
  it("is healthy when nothing holds the tenant back", () => {
    expect(describeSendState(calm)).toMatchObject({
      kind: "healthy",
      canResume: false,
      heldTotal: 0,
    });
    expect(describeSendState({ ...calm, inFlight: 7 }).detail).toContain("7 of 25");
  });

  it("says the window limits it, with what is in flight, while mail waits for room", () => {
    const state = describeSendState({ ...calm, inFlight: 25, held: { window_full: 230 } });
    expect(state).toMatchObject({
      kind: "limited",
      title: "Limited by the window: 25 in flight of 25",
    });
    expect(state.detail).toContain("230 waiting");
  });

  it("lets the admin resume a pause the breaker made, not one an operator made", () => {
    const breaker = describeSendState({
      ...calm,
      breaker: "open",
      breakerReason: "Hard-bounce rate 28.0% over the last 25 bulk mails (limit 5.0%).",
      breakerChangedAt: opened,
      breakerChangedBy: "system",
      held: { tenant_paused: 255 },
    });
    expect(breaker).toMatchObject({
      kind: "paused",
      pausedBy: "breaker",
      canResume: true,
      since: opened,
      heldTotal: 255,
    });
    expect(breaker.detail).toContain("28.0%");
    expect(breaker.detail).toContain("255 mails are waiting");
    expect(breaker.nextStep).toMatch(/Fix or remove .* then resume/);

    const operator = describeSendState({
      ...calm,
      breaker: "open",
      breakerReason: "Checking a complaint.",
      breakerChangedBy: "operator:ops.admin",
    });
    expect(operator).toMatchObject({ kind: "paused", pausedBy: "operator", canResume: false });
    expect(operator.detail).toContain("Checking a complaint.");
  });

  it("says resuming while the breaker is half open", () => {
    expect(describeSendState({ ...calm, breaker: "half_open", window: 5 })).toMatchObject({
      kind: "resuming",
    });
  });

  it("puts the platform's own pauses first, in order: SES, an operator's stop, the account guard", () => {
    const everything: SendStateFacts = {
      ...calm,
      breaker: "open",
      breakerChangedBy: "system",
      account: {
        sesPaused: true,
        bulkStoppedAt: opened,
        bulkStoppedReason: "Investigating",
        guard: "stop_all_bulk",
        guardStopsTenant: true,
        guardReason: "Bounce rate 4.1%.",
      },
    };
    expect(describeSendState(everything).pausedBy).toBe("ses");
    expect(
      describeSendState({ ...everything, account: { ...everything.account, sesPaused: false } }),
    ).toMatchObject({ pausedBy: "account", since: opened, canResume: true });
    const guard = describeSendState({
      ...everything,
      account: { ...everything.account, sesPaused: false, bulkStoppedAt: null },
    });
    // The tenant's own breaker pause is still said, and still the admin's to resume.
    expect(guard).toMatchObject({ pausedBy: "account", canResume: true, breaker: "open" });
    expect(guard.detail).toContain("Bounce rate 4.1%.");
    expect(guard.detail).toContain("Your own bulk mail is paused too");
  });

  it("always says something and offers a next step, and only a breaker pause can be resumed by the admin", () => {
    const facts = fc.record({
      breaker: fc.constantFrom("closed", "open", "half_open"),
      breakerReason: fc.option(fc.string({ maxLength: 40 })),
      breakerChangedAt: fc.option(fc.date({ noInvalidDate: true })),
      breakerChangedBy: fc.option(fc.constantFrom("system", "operator:x", "admin:y")),
      window: fc.integer({ min: 0, max: 500 }),
      inFlight: fc.integer({ min: 0, max: 500 }),
      held: fc.dictionary(
        fc.constantFrom("tenant_paused", "window_full", "account_guard", "rate_limited"),
        fc.nat(1000),
      ),
      account: fc.record({
        sesPaused: fc.boolean(),
        bulkStoppedAt: fc.option(fc.date({ noInvalidDate: true })),
        bulkStoppedReason: fc.option(fc.string({ maxLength: 40 })),
        guard: fc.constantFrom("ok", "warn", "stop_bulk_above", "stop_all_bulk"),
        guardStopsTenant: fc.boolean(),
        guardReason: fc.option(fc.string({ maxLength: 40 })),
      }),
    }) as fc.Arbitrary<SendStateFacts>;
    fc.assert(
      fc.property(facts, (f) => {
        const s = describeSendState(f);
        expect(s.title.length).toBeGreaterThan(0);
        expect(s.nextStep).toMatch(/\.$/);
        expect(s.heldTotal).toBe(Object.values(f.held).reduce<number>((a, b) => a + (b ?? 0), 0));
        // Resumable exactly when the breaker itself paused the tenant, whatever stands in front.
        expect(s.canResume).toBe(
          f.breaker === "open" && f.breakerChangedBy?.startsWith("operator:") !== true,
        );
        expect(s.breaker).toBe(f.breaker);
      }),
      { numRuns: 2_000 },
    );
  });
});
