import { describe, expect, it } from "vitest";
import type { ApplierBacklog } from "./parked";
import { ageInWords, applierVerdict, BEHIND_AFTER_S } from "./verdict";

const now = new Date("2026-01-01T12:00:00Z");
const backlog = (b: Partial<ApplierBacklog>): ApplierBacklog => ({
  pending: 0,
  retrying: 0,
  oldestAt: null,
  parked: 0,
  duplicatesLastDay: 0,
  ...b,
});
const ago = (s: number) => new Date(now.getTime() - s * 1000);

describe("applierVerdict", () => {
  it("is fine with nothing waiting, or a young backlog", () => {
    expect(applierVerdict(backlog({}), now)).toEqual({
      level: "ok",
      waitedS: null,
      sentence: "Every event received has been applied.",
    });
    expect(applierVerdict(backlog({ pending: 1, oldestAt: ago(2) }), now)).toMatchObject({
      level: "ok",
      waitedS: 2,
      sentence: "1 event being applied, the oldest received 2 seconds ago.",
    });
  });

  it(`says the applier is behind from ${BEHIND_AFTER_S} s, before parked events, and what to check`, () => {
    for (const [s, words] of [
      [BEHIND_AFTER_S, "1 minute"],
      [3_700, "1 hour"],
      [2 * 86_400, "2 days"],
    ] as const) {
      const verdict = applierVerdict(backlog({ pending: 1_200, oldestAt: ago(s), parked: 3 }), now);
      expect(verdict.level).toBe("behind");
      expect(verdict.sentence).toContain(
        `1,200 events waiting to be applied, the oldest for ${words}`,
      );
      expect(verdict.sentence).toContain("npm run worker");
    }
    expect(
      applierVerdict(backlog({ pending: 1, oldestAt: ago(BEHIND_AFTER_S - 1) }), now).level,
    ).toBe("ok");
  });

  it("names parked events and the next step", () => {
    expect(applierVerdict(backlog({ parked: 1 }), now).sentence).toBe(
      "1 event could not be applied and is parked. Each shows its error; fix the cause, then try it again.",
    );
    expect(applierVerdict(backlog({ parked: 2 }), now)).toMatchObject({
      level: "parked",
      sentence: expect.stringContaining("2 events could not be applied and are parked"),
    });
  });

  it("reads a clock that is behind the database's as no wait at all", () => {
    expect(applierVerdict(backlog({ pending: 1, oldestAt: ago(-5) }), now).waitedS).toBe(0);
  });
});

describe("ageInWords", () => {
  it("uses the largest whole unit", () => {
    expect([0, 1, 59, 60, 119, 3_599, 3_600, 86_399, 86_400].map(ageInWords)).toEqual([
      "0 seconds",
      "1 second",
      "59 seconds",
      "1 minute",
      "1 minute",
      "59 minutes",
      "1 hour",
      "23 hours",
      "1 day",
    ]);
  });
});
