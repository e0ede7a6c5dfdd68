import { describe, expect, it } from "vitest";
import { whatToDo } from "./cases";
import { periodOf } from "./period";

const now = new Date("2026-12-01T12:00:00Z");
const pause = {
  startedAt: new Date("2026-11-30T08:15:00Z"),
  endedAt: new Date("2026-12-01T08:00:00Z"),
};

describe("periodOf", () => {
  it("defaults to since a recent pause, or to all of it", () => {
    expect(periodOf(undefined, pause, now)).toMatchObject({
      choice: "pause",
      since: pause.startedAt,
      label: "since the pause of 2026-11-30 08:15 UTC",
    });
    expect(periodOf(undefined, null, now)).toMatchObject({ choice: "all", since: null });
    const old = { startedAt: new Date("2026-09-01T00:00:00Z"), endedAt: null };
    expect(periodOf(undefined, old, now).choice).toBe("all");
  });

  it("reads days and dates, and anything else as all of it", () => {
    expect(periodOf("7d", null, now).since).toEqual(new Date("2026-11-24T12:00:00Z"));
    expect(periodOf("2026-11-02", null, now).since).toEqual(new Date("2026-11-02T00:00:00Z"));
    for (const bad of ["2026-02-30", "'; drop", "pause", "99d"])
      expect(periodOf(bad, null, now)).toMatchObject({ choice: "all", since: null });
  });
});

describe("whatToDo", () => {
  it("says nothing is needed once resolved, and names the remedy for the reason", () => {
    const base = { memberStatus: "invited" as const, resolvedBy: null };
    expect(
      whatToDo({
        ...base,
        unsentCase: "invitation_new",
        status: "bounced",
        reason: "bounce:NoEmail",
      }),
    ).toMatch(/Fix the address/);
    expect(
      whatToDo({ ...base, unsentCase: "invitation_new", status: "held", reason: "account_paused" }),
    ).toMatch(/by itself when sending resumes/);
    expect(
      whatToDo({
        ...base,
        unsentCase: "password_reset",
        status: "expired",
        reason: null,
        memberStatus: "active",
      }),
    ).toMatch(/new reset link/);
    expect(
      whatToDo({
        ...base,
        unsentCase: "login_code",
        status: "failed",
        reason: null,
        resolvedBy: "signed_in",
      }),
    ).toBe("Nothing: they signed in since.");
  });
});
