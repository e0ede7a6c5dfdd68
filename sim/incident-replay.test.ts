import { describe, expect, it } from "vitest";
import {
  APPLY_DELAY_S,
  DEFAULT_SCENARIO,
  OFFENDER,
  REPLAY_START,
  runReplay,
  type ReplayOptions,
} from "./incident-replay";

/** A smaller week: 8 tenants, 2 days, 1,200 invitations at 21:00 on day 2. Well under a second a run. */
const small: Omit<ReplayOptions, "guarded"> = {
  seed: 7,
  tenants: 8,
  days: 2,
  volume: 0.5,
  incident: { day: 2, hour: 21, size: 1_200, deadShare: 0.4 },
};

describe("incident replay, full scenario", () => {
  const off = runReplay({ guarded: false });
  const on = runReplay({ guarded: true });

  it("reproduces the incident without the guard", () => {
    expect(off.tenants).toBe(DEFAULT_SCENARIO.tenants);
    expect(off.incident.sent).toBe(DEFAULT_SCENARIO.incident.size);
    expect(off.peakRate).toBeGreaterThan(0.05);
    expect(off.hoursAtOrAbove5).toBeGreaterThan(0);
    // The old mailer's one queue makes people wait behind the bulk burst.
    expect(off.transactional.delayed).toBeGreaterThan(0);
  });

  it("keeps the account below 2% with no transactional mail delayed when guarded", () => {
    expect(on.peakRate).toBeLessThan(0.02);
    expect(on.hoursAtOrAbove5).toBe(0);
    expect(on.transactional.delayed).toBe(0);
    expect(on.transactional.total).toBeGreaterThan(10_000);
  });

  it("blocks the dead domains before sending and opens the offender's breaker", () => {
    const deadDomains = (DEFAULT_SCENARIO.incident.size * DEFAULT_SCENARIO.incident.deadShare) / 2;
    expect(on.blocked.byReason.domain_not_found).toBe(deadDomains);
    expect(on.offender.tenantId).toBe(OFFENDER);
    expect(on.offender.breaker).toBe("open");
    expect(on.offender.invitationsSentBeforeOpen).toBeLessThan(500);
    expect(on.incident.bounced).toBeLessThan(100);
  });

  it("lets the other tenants' bulk mail flow", () => {
    expect(Object.keys(on.breakers)).toEqual([OFFENDER]);
    const { dueAfterIncident, sentWithin5Min } = on.otherTenantsBulk;
    expect(dueAfterIncident).toBeGreaterThan(50_000);
    expect(sentWithin5Min / dueAfterIncident).toBeGreaterThan(0.99);
    expect(on.sends).toBeGreaterThan(off.sends * 0.9);
  });
});

describe("incident replay, small scenario", () => {
  const off = runReplay({ ...small, guarded: false });
  const on = runReplay({ ...small, guarded: true });

  it("is deterministic: same seed, same result; another seed, other numbers", () => {
    expect(runReplay({ ...small, guarded: true })).toEqual(on);
    expect(runReplay({ ...small, guarded: false })).toEqual(off);
    expect(runReplay({ ...small, guarded: true, seed: 8 }).sends).not.toBe(on.sends);
  });

  it("guards the small incident too", () => {
    expect(off.peakRate).toBeGreaterThan(0.05);
    expect(on.peakRate).toBeLessThan(0.02);
    expect(on.transactional.delayed).toBe(0);
    expect(on.offender.breaker).toBe("open");
  });

  it("parking mail held by an open breaker changes nothing but the number of guard calls", () => {
    const polled = runReplay({ ...small, guarded: true, parkPaused: false });
    expect(polled.guardCalls).toBeGreaterThan(on.guardCalls);
    // Polling re-decides held mail every 60 s: more calls, more holds, more snapshots; same mail.
    const same = (r: typeof on) => ({ ...r, guardCalls: 0, holds: {}, guardLevels: {} });
    expect(same(polled)).toEqual(same(on));
  });
});

describe("incident replay, with the feedback applier's delay", () => {
  const byDelay = [0, APPLY_DELAY_S, 30, 120].map((applyDelayS) =>
    runReplay({ ...small, guarded: true, applyDelayS }),
  );

  it(`acts on feedback ${APPLY_DELAY_S} s after SES's event by default (the applier's bound); SES acts at once unguarded`, () => {
    expect(APPLY_DELAY_S).toBe(2);
    expect(runReplay({ ...small, guarded: true }).applyDelayS).toBe(APPLY_DELAY_S);
    expect(runReplay({ ...small, guarded: false, applyDelayS: 30 }).applyDelayS).toBe(0);
  });

  it("opens the breaker only once bounces are applied: never sooner than the delay after the first could arrive", () => {
    const queued =
      REPLAY_START + ((small.incident!.day - 1) * 86_400 + small.incident!.hour * 3_600) * 1000;
    const openedAfterS = byDelay.map(
      (r) => (Date.parse(r.offender.breakerOpenedAt!) - queued) / 1000,
    );
    // SES reports a bounce 3 s after the send at the soonest; the guard hears of it `delay` later.
    byDelay.forEach((r, i) => expect(openedAfterS[i]).toBeGreaterThanOrEqual(3 + r.applyDelayS));
    expect(openedAfterS[0]).toBeLessThan(120);
    expect(byDelay[3]).not.toEqual({ ...byDelay[0], applyDelayS: 120 });
  });

  it("keeps the account well under the lines, and no transactional mail waits, even a minute or two behind", () => {
    for (const r of byDelay) {
      expect(r.peakRate).toBeLessThan(0.02);
      expect(r.hoursAtOrAbove5).toBe(0);
      expect(r.transactional.delayed).toBe(0);
      expect(r.offender.breaker).toBe("open");
    }
  });
});
