import { describe, expect, it } from "vitest";
import { ALL_FIXTURES } from "@/test/fixtures/addresses";
import { normaliseAddress } from "./normalise";
import { isSendableDomain, syntaxProblem, type SyntaxProblem } from "./syntax";

describe("syntaxProblem", () => {
  it.each<[string, SyntaxProblem | null]>([
    ["taro@example.com", null],
    ["", "empty"],
    ["a\r\nb@example.com", "control_character"],
    ["a\u0085@example.com", "control_character"],
    ['"a\nb"@example.com', "control_character"],
    ['"a b"@example.com', "quoted_local_part"],
    ['a"b@example.com', "quoted_local_part"],
    ["a(b)c@example.com", "comment"],
    ["a b@example.com", "whitespace"],
    ["a\u00a0b@example.com", "whitespace"],
    ["a@b@example.com", "bad_local_part"],
    ["plain", "no_at"],
    ["x".repeat(300), "too_long"],
    [`${"x".repeat(65)}@example.com`, "too_long"],
    ["taro..yamada.@docomo.ne.jp", "bad_local_part"],
    ["taro.@ezweb.ne.jp", "bad_local_part"],
    ["ｔａｒｏ@example.jp", "bad_local_part"],
    ["taro@example", "bad_domain"],
    ["taro@[192.0.2.1]", "bad_domain"],
    ["taro@192.0.2.1", "bad_domain"],
    ["taro@xn--r8jz45g.jp", null],
    ["taro@EXAMPLE.com", null],
  ])("%j -> %s", (address, problem) => {
    expect(syntaxProblem(address)).toBe(problem);
  });

  it("agrees with every fixture once normalised", () => {
    for (const { input, expect: want } of ALL_FIXTURES) {
      const normalised = normaliseAddress(input);
      if (normalised === null) continue; // checkAddressSyntax's fallback, tested in index.test.ts
      expect(syntaxProblem(normalised), JSON.stringify(input)).toBe(want.problem);
    }
  });

  it("checks lengths at the RFC limits", () => {
    const local64 = "x".repeat(64);
    expect(syntaxProblem(`${local64}@example.com`)).toBeNull();
    expect(syntaxProblem(`x${local64}@example.com`)).toBe("too_long");
    const label = "a".repeat(63);
    const domain252 = [label, label, label, "b".repeat(57), "jp"].join(".");
    expect(syntaxProblem(`x@${domain252}`)).toBeNull();
    expect(syntaxProblem(`xy@${domain252}`)).toBe("too_long");
  });
});

describe("isSendableDomain", () => {
  it("wants two or more LDH labels and a TLD that is not a number", () => {
    for (const good of [
      "example.com",
      "a.b.c.jp",
      "u-tokyo.ac.jp",
      "xn--bcher-kva.de",
      "1.example",
    ])
      expect(isSendableDomain(good), good).toBe(true);
    for (const bad of [
      "",
      "com",
      ".example.com",
      "example.com.",
      "-a.com",
      "a-.com",
      "a_b.com",
      "a.123",
      `${"a".repeat(64)}.com`,
      `${"a.".repeat(127)}jp`,
    ])
      expect(isSendableDomain(bad), bad).toBe(false);
  });
});
