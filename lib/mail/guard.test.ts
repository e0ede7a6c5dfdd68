import { describe, expect, it } from "vitest";
import type { DomainVerdict } from "@/lib/address/domain-verdict";
import {
  decide,
  decideAll,
  HOLD_RETRY_MS,
  type GuardMail,
  type GuardSnapshot,
  type TenantSnapshot,
} from "./guard";

const now = new Date("2026-11-27T12:00:00Z");
const T = "tenant-a";

function snapshot(
  overrides: Partial<GuardSnapshot> = {},
  tenant: Partial<TenantSnapshot> = {},
): GuardSnapshot {
  return {
    now,
    domainVerdicts: new Map<string, DomainVerdict>([
      ["dead.example.com", { status: "not_found", reason: "nxdomain" }],
      ["flaky.example.com", { status: "unknown", reason: "timeout" }],
      ["good.example.com", { status: "ok", reason: "mx" }],
    ]),
    suppressed: new Set([`* gone@good.example.com`, `${T} optout@good.example.com`]),
    confirmed: new Set(["known@good.example.com"]),
    account: { pausedUntil: null, guard: "ok", bounceRate: 0.005 },
    budget: { total: 250, inFlight: 0 },
    tenants: new Map([
      [T, { breaker: "closed", window: 25, inFlight: 0, bounceRate: 0, ...tenant }],
    ]),
    tokens: 100,
    ratePerSecond: 14,
    ...overrides,
  };
}

const bulk = (to: string | null): GuardMail => ({ tenantId: T, lane: "bulk", toAddress: to });
const transactional = (to: string | null): GuardMail => ({
  tenantId: T,
  lane: "transactional",
  toAddress: to,
});
const later = (ms: number) => new Date(now.getTime() + ms);

describe("decide: the address (step 1)", () => {
  it("blocks a mail with no address", () => {
    expect(decide(bulk(null), snapshot())).toEqual({ kind: "block", reason: "no_address" });
    expect(decide(transactional(""), snapshot())).toEqual({ kind: "block", reason: "no_address" });
  });

  it("blocks bad syntax, header injection included", () => {
    for (const to of [
      "not-an-address",
      "a@b",
      "a b@good.example.com",
      "x@good.example.com\r\nBcc: y@z.com",
    ]) {
      expect(decide(bulk(to), snapshot()), to).toEqual({
        kind: "block",
        reason: "invalid_address",
      });
    }
  });

  it("blocks a domain that does not exist, even for transactional mail", () => {
    expect(decide(transactional("a@dead.example.com"), snapshot())).toEqual({
      kind: "block",
      reason: "domain_not_found",
    });
  });

  it("does not block when DNS could not answer: our trouble is no reason to drop mail", () => {
    expect(decide(bulk("a@flaky.example.com"), snapshot()).kind).toBe("send");
    expect(decide(bulk("a@never-looked-up.example.net"), snapshot()).kind).toBe("send");
  });
});

describe("decide: suppression (step 2)", () => {
  it("blocks account-wide and tenant suppressions", () => {
    expect(decide(transactional("gone@good.example.com"), snapshot())).toEqual({
      kind: "block",
      reason: "suppressed",
    });
    expect(decide(bulk("optout@good.example.com"), snapshot())).toEqual({
      kind: "block",
      reason: "suppressed",
    });
  });

  it("applies a tenant's suppression only to that tenant", () => {
    const other = {
      tenantId: "tenant-b",
      lane: "transactional" as const,
      toAddress: "optout@good.example.com",
    };
    expect(decide(other, snapshot()).kind).toBe("send");
  });

  it("blocks before any hold: a dead address is never kept waiting", () => {
    const paused = snapshot({
      account: { pausedUntil: later(60_000), guard: "stop_all_bulk", bounceRate: 0.05 },
    });
    expect(decide(bulk("gone@good.example.com"), paused)).toEqual({
      kind: "block",
      reason: "suppressed",
    });
  });
});

describe("decide: account paused (step 3)", () => {
  it("holds every lane until the pause is re-checked", () => {
    const until = later(300_000);
    const snap = snapshot({ account: { pausedUntil: until, guard: "ok", bounceRate: 0 } });
    expect(decide(transactional("a@good.example.com"), snap)).toEqual({
      kind: "hold",
      reason: "account_paused",
      until,
    });
    expect(decide(bulk("a@good.example.com"), snap)).toEqual({
      kind: "hold",
      reason: "account_paused",
      until,
    });
  });

  it("ignores a pause that has ended", () => {
    const snap = snapshot({
      account: { pausedUntil: new Date(now.getTime() - 1), guard: "ok", bounceRate: 0 },
    });
    expect(decide(bulk("a@good.example.com"), snap).kind).toBe("send");
  });
});

describe("decide: an operator's stop of all bulk mail (step 4)", () => {
  it("holds every bulk mail until it is lifted, and lets transactional mail and alerts through", () => {
    const snap = snapshot({
      account: { pausedUntil: null, bulkStopped: true, guard: "ok", bounceRate: 0 },
    });
    expect(decide(bulk("a@good.example.com"), snap)).toEqual({
      kind: "hold",
      reason: "bulk_stopped",
      until: later(HOLD_RETRY_MS.bulk_stopped),
    });
    expect(decide(transactional("a@good.example.com"), snap).kind).toBe("send");
    // An operator's alert has no tenant.
    expect(
      decide({ tenantId: null, lane: "transactional", toAddress: "ops@good.example.com" }, snap),
    ).toEqual({ kind: "send", unconfirmed: false });
  });

  it("comes after the address checks and SES's own pause", () => {
    const snap = snapshot({
      account: { pausedUntil: later(60_000), bulkStopped: true, guard: "ok", bounceRate: 0 },
    });
    expect(decide(bulk("gone@good.example.com"), snap)).toMatchObject({ kind: "block" });
    expect(decide(bulk("a@good.example.com"), snap)).toMatchObject({ reason: "account_paused" });
  });
});

describe("decide: account guard (step 4)", () => {
  it("stops all bulk and lets transactional mail through", () => {
    const snap = snapshot({
      account: { pausedUntil: null, guard: "stop_all_bulk", bounceRate: 0.045 },
    });
    expect(decide(bulk("a@good.example.com"), snap)).toEqual({
      kind: "hold",
      reason: "account_guard",
      until: later(HOLD_RETRY_MS.account_guard),
    });
    expect(decide(transactional("a@good.example.com"), snap).kind).toBe("send");
  });

  it("at stop_bulk_above stops only tenants worse than the account", () => {
    const account = { pausedUntil: null, guard: "stop_bulk_above" as const, bounceRate: 0.031 };
    expect(
      decide(bulk("a@good.example.com"), snapshot({ account }, { bounceRate: 0.2 })).kind,
    ).toBe("hold");
    expect(
      decide(bulk("a@good.example.com"), snapshot({ account }, { bounceRate: 0.01 })).kind,
    ).toBe("send");
  });

  it("only warns at warn", () => {
    const snap = snapshot({ account: { pausedUntil: null, guard: "warn", bounceRate: 0.021 } });
    expect(decide(bulk("a@good.example.com"), snap).kind).toBe("send");
  });
});

describe("decide: tenant breaker (step 5)", () => {
  it("holds the bulk lane of an open breaker, never the transactional one", () => {
    const snap = snapshot({}, { breaker: "open" });
    expect(decide(bulk("known@good.example.com"), snap)).toMatchObject({
      kind: "hold",
      reason: "tenant_paused",
    });
    expect(decide(transactional("a@good.example.com"), snap).kind).toBe("send");
  });

  it("lets a half-open breaker send within its window", () => {
    expect(
      decide(bulk("a@good.example.com"), snapshot({}, { breaker: "half_open", window: 5 })).kind,
    ).toBe("send");
  });
});

describe("decide: budget and window (step 6)", () => {
  it("holds unconfirmed bulk mail when the tenant window is full", () => {
    const snap = snapshot({}, { window: 25, inFlight: 25 });
    expect(decide(bulk("new@good.example.com"), snap)).toEqual({
      kind: "hold",
      reason: "window_full",
      until: later(HOLD_RETRY_MS.window_full),
    });
  });

  it("holds unconfirmed bulk mail when the account budget is spent, whatever the tenant window", () => {
    const snap = snapshot({ budget: { total: 250, inFlight: 250 } }, { window: 25, inFlight: 0 });
    expect(decide(bulk("new@good.example.com"), snap)).toMatchObject({
      kind: "hold",
      reason: "window_full",
    });
  });

  it("lets confirmed addresses and transactional mail past a full window", () => {
    const snap = snapshot({ budget: { total: 0, inFlight: 0 } }, { window: 0, inFlight: 99 });
    expect(decide(bulk("known@good.example.com"), snap)).toEqual({
      kind: "send",
      unconfirmed: false,
    });
    expect(decide(transactional("new@good.example.com"), snap)).toEqual({
      kind: "send",
      unconfirmed: false,
    });
  });

  it("treats a tenant missing from the snapshot as having no window", () => {
    const stranger = {
      tenantId: "unknown-tenant",
      lane: "bulk" as const,
      toAddress: "new@good.example.com",
    };
    expect(decide(stranger, snapshot())).toMatchObject({ kind: "hold", reason: "window_full" });
  });
});

describe("decide: rate (step 7)", () => {
  it("holds until the next token", () => {
    const snap = snapshot({ tokens: 0, ratePerSecond: 14 });
    expect(decide(transactional("a@good.example.com"), snap)).toEqual({
      kind: "hold",
      reason: "rate_limited",
      until: later(Math.ceil(1000 / 14)),
    });
  });
});

describe("decideAll", () => {
  it("fills the window exactly, then holds the rest", () => {
    const snap = snapshot({}, { window: 3, inFlight: 1 });
    const decisions = decideAll(
      Array.from({ length: 5 }, (_, i) => bulk(`new${i}@good.example.com`)),
      snap,
    );
    expect(decisions.map((d) => d.kind)).toEqual(["send", "send", "hold", "hold", "hold"]);
    expect(snap.tenants.get(T)!.inFlight).toBe(3);
    expect(snap.budget.inFlight).toBe(2);
    expect(snap.tokens).toBe(98);
  });

  it("spends tokens on every send and holds when they run out", () => {
    const snap = snapshot({ tokens: 2 });
    const kinds = decideAll(
      [
        transactional("a@good.example.com"),
        transactional("b@good.example.com"),
        transactional("c@good.example.com"),
      ],
      snap,
    ).map((d) => d.kind);
    expect(kinds).toEqual(["send", "send", "hold"]);
  });

  it("does not spend tokens or window on blocked or held mail", () => {
    const snap = snapshot({}, { window: 1 });
    decideAll([bulk(null), bulk("gone@good.example.com"), bulk("a@dead.example.com")], snap);
    expect(snap.tokens).toBe(100);
    expect(snap.tenants.get(T)!.inFlight).toBe(0);
  });
});
