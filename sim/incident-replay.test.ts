import { describe, expect, it } from "vitest";
import { DEFAULT_SCENARIO, OFFENDER, runReplay, type ReplayOptions } from "./incident-replay";

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
