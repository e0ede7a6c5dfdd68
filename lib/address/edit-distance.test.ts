import { describe, expect, it } from "vitest";
import { editDistance } from "./edit-distance";

describe("editDistance", () => {
  it.each([
    ["", "", 0],
    ["", "abc", 3],
    ["gmail", "gmail", 0],
    ["gmial", "gmail", 1],
    ["gmai", "gmail", 1],
    ["gmaill", "gmail", 1],
    ["gnail", "gmail", 1],
    ["jb", "jp", 1],
    ["pj", "jp", 1],
    ["ca", "abc", 3],
    ["kitten", "sitting", 3],
    ["yahoo.co.pj", "yahoo.com", 3],
  ])("%j to %j is %i", (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
    expect(editDistance(b, a)).toBe(d);
  });
});
