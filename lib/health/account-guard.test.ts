import { describe, expect, it } from "vitest";
import { accountGuard, bounceBudget, DEFAULT_THRESHOLDS, type SendCounts } from "./account-guard";

const counts = (sends: number, hardBounces: number, complaints = 0): SendCounts => ({
  sends,
  hardBounces,
  complaints,
});
const quiet = counts(0, 0);

describe("accountGuard", () => {
  it.each([
    [counts(10_000, 0), "ok"],
    [counts(10_000, 199), "ok"],
    [counts(10_000, 200), "warn"],
    [counts(10_000, 299), "warn"],
    [counts(10_000, 300), "stop_bulk_above"],
    [counts(10_000, 399), "stop_bulk_above"],
    [counts(10_000, 400), "stop_all_bulk"],
    [counts(10_000, 0, 4), "ok"],
    [counts(10_000, 0, 5), "warn"],
    [counts(10_000, 0, 8), "stop_all_bulk"],
    [counts(0, 0), "ok"],
  ] as const)("judges %o as %s", (representative, level) => {
    expect(accountGuard(representative, quiet).level).toBe(level);
  });

  it("judges a young account as if it had sent the minimum volume", () => {
    // One bounce in the first 25 sends is 4%, but not a reason to stop all bulk mail.
    expect(accountGuard(counts(25, 1), counts(25, 1)).level).toBe("ok");
    expect(accountGuard(counts(25, 1), counts(25, 1)).bounceRate).toBeCloseTo(0.001);
    expect(accountGuard(counts(500, 40), counts(500, 40)).level).toBe("stop_all_bulk");
    expect(accountGuard(counts(25, 1), quiet, DEFAULT_THRESHOLDS, 0).level).toBe("stop_all_bulk");
  });

  it("takes the worse of the representative volume and the last 24 hours", () => {
    const verdict = accountGuard(counts(10_000, 50), counts(1_000, 45));
    expect(verdict.level).toBe("stop_all_bulk");
    expect(verdict.reason).toMatch(/over the last 24 hours/);
    expect(verdict.bounceRate).toBeCloseTo(0.005);
  });

  it("says which rate tripped it", () => {
    expect(accountGuard(counts(10_000, 0, 9), quiet).reason).toBe(
      "Complaint rate 0.090% over the last sends.",
    );
    expect(accountGuard(counts(10_000, 350), quiet).reason).toBe(
      "Bounce rate 3.50% over the last sends.",
    );
  });

  it("takes thresholds from configuration", () => {
    const strict = { ...DEFAULT_THRESHOLDS, bounceWarn: 0.001 };
    expect(accountGuard(counts(10_000, 20), quiet, strict).level).toBe("warn");
  });
});

describe("bounceBudget", () => {
  it("is DESIGN.md's example: (3% - 0.5%) x 10,000 = 250", () => {
    expect(bounceBudget(0.005, 10_000)).toBe(250);
  });

  it("keeps the account under the bulk-stop threshold even if every unconfirmed mail bounced", () => {
    for (const rate of [0, 0.001, 0.01, 0.02, 0.029]) {
      for (const volume of [1_000, 5_000, 10_000]) {
        const budget = bounceBudget(rate, volume);
        const worst = (rate * volume + budget) / (volume + budget);
        expect(worst, `rate ${rate} volume ${volume}`).toBeLessThan(
          DEFAULT_THRESHOLDS.bounceStopAbove,
        );
      }
    }
  });

  it("is zero at or above the threshold", () => {
    expect(bounceBudget(0.03, 10_000)).toBe(0);
    expect(bounceBudget(0.08, 10_000)).toBe(0);
  });
});
