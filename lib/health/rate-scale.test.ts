import { describe, expect, it } from "vitest";
import { rateScale } from "./rate-scale";

const LINES = [0.05, 0.08, 0.05, 0.1].map((value, i) => ({ value, label: `line ${i}` }));
const values = (xs: number[]) => xs.map((value, i) => ({ value, label: `line ${i}` }));

describe("rateScale", () => {
  it("with no mail: the lines are the scale, and there is no highest hour", () => {
    expect(rateScale([null, null], LINES)).toEqual({
      top: 0.1 * 1.15,
      ticks: [0, 0.05, 0.08, 0.1],
      peak: null,
      aboveLines: false,
      highestLine: { value: 0.1, label: "line 3" },
    });
    expect(rateScale([], LINES).peak).toBeNull();
  });

  it("an hour below the lines: the same ticks, its rate and hour named", () => {
    const scale = rateScale([0.01, null, 0.03, 0.02], LINES);
    expect(scale.ticks).toEqual([0, 0.05, 0.08, 0.1]);
    expect(scale.peak).toEqual({ rate: 0.03, index: 2 });
    expect(scale.aboveLines).toBe(false);
    expect(scale.top).toBeCloseTo(0.115);
  });

  it("an hour on the highest line is not above it", () => {
    const scale = rateScale([0.1], LINES);
    expect(scale.aboveLines).toBe(false);
    expect(scale.ticks).toEqual([0, 0.05, 0.08, 0.1]);
  });

  it("an hour above every line gets a tick of its own and the axis reaches past it", () => {
    const scale = rateScale([0.02, 0.23, null, 0.2], LINES);
    expect(scale.aboveLines).toBe(true);
    expect(scale.peak).toEqual({ rate: 0.23, index: 1 });
    expect(scale.ticks).toEqual([0, 0.05, 0.08, 0.1, 0.23]);
    expect(scale.top).toBeCloseTo(0.23 * 1.15);
  });

  it("the first of equal highest hours is the one named", () => {
    expect(rateScale([0.02, 0.04, 0.04], LINES).peak).toEqual({ rate: 0.04, index: 1 });
  });

  it("without lines: a zero scale still has a top, and any mail is above it", () => {
    expect(rateScale([null], values([]))).toEqual({
      top: 0.01,
      ticks: [0],
      peak: null,
      aboveLines: false,
      highestLine: null,
    });
    expect(rateScale([0], values([]))).toEqual({
      top: 0.01,
      ticks: [0],
      peak: { rate: 0, index: 0 },
      aboveLines: false,
      highestLine: null,
    });
    expect(rateScale([0.5], values([])).ticks).toEqual([0, 0.5]);
  });

  it("ignores a rate that is not a number", () => {
    expect(rateScale([Number.NaN, 0.02], LINES).peak).toEqual({ rate: 0.02, index: 1 });
  });
});
