import { describe, expect, it } from "vitest";
import { lockedUntil, minutesUntil, type AttemptRecord } from "./lockout";

const MIN = 60_000;
const now = new Date("2026-11-27T12:00:00Z");
const ago = (minutes: number, succeeded = false): AttemptRecord => ({
  at: new Date(now.getTime() - minutes * MIN),
  succeeded,
});
const perId = { maxFailures: 5, windowMs: 15 * MIN, resetOnSuccess: true };
const perIp = { maxFailures: 30, windowMs: 15 * MIN, resetOnSuccess: false };

describe("lockedUntil", () => {
  it("is open with no attempts", () => {
    expect(lockedUntil([], now, perId)).toBeNull();
  });

  it("is open after four failures", () => {
    expect(lockedUntil([ago(1), ago(2), ago(3), ago(4)], now, perId)).toBeNull();
  });

  it("locks on the fifth failure for fifteen minutes from it", () => {
    const until = lockedUntil([ago(1), ago(2), ago(3), ago(4), ago(5)], now, perId);
    expect(until).toEqual(new Date(now.getTime() + 14 * MIN));
  });

  it("does not count failures spread over more than the window", () => {
    expect(lockedUntil([ago(1), ago(5), ago(9), ago(13), ago(17)], now, perId)).toBeNull();
  });

  it("opens again once fifteen minutes have passed since the last failure", () => {
    expect(lockedUntil([ago(15), ago(16), ago(17), ago(18), ago(19)], now, perId)).toBeNull();
    expect(lockedUntil([ago(14.9), ago(16), ago(17), ago(18), ago(19)], now, perId)).not.toBeNull();
  });

  it("forgets failures before a success for a login ID", () => {
    const attempts = [ago(1), ago(2), ago(3, true), ago(4), ago(5), ago(6)];
    expect(lockedUntil(attempts, now, perId)).toBeNull();
  });

  it("keeps counting across successes for an IP", () => {
    const attempts = Array.from({ length: 30 }, (_, i) => ago(i * 0.1));
    attempts.splice(10, 0, ago(1, true));
    expect(lockedUntil(attempts, now, perIp)).not.toBeNull();
  });

  it("accepts attempts in any order", () => {
    const attempts = [ago(5), ago(1), ago(3), ago(2), ago(4)];
    expect(lockedUntil(attempts, now, perId)).toEqual(new Date(now.getTime() + 14 * MIN));
  });

  it("matches a brute-force count for every run of failures up to the limit", () => {
    for (let n = 0; n <= 7; n++) {
      for (let spacing = 1; spacing <= 5; spacing++) {
        const attempts = Array.from({ length: n }, (_, i) => ago(i * spacing));
        const inWindow = attempts.filter((a) => now.getTime() - a.at.getTime() < 15 * MIN).length;
        const locked = lockedUntil(attempts, now, perId) !== null;
        expect(locked, `n=${n} spacing=${spacing}`).toBe(inWindow >= 5);
      }
    }
  });
});

describe("minutesUntil", () => {
  it("rounds up and never says zero", () => {
    expect(minutesUntil(new Date(now.getTime() + 61_000), now)).toBe(2);
    expect(minutesUntil(new Date(now.getTime() + 1_000), now)).toBe(1);
    expect(minutesUntil(now, now)).toBe(1);
  });
});
