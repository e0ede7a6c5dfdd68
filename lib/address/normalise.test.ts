import { describe, expect, it } from "vitest";
import { domainOf, localPartOf, normaliseAddress } from "./normalise";

describe("normaliseAddress", () => {
  it.each([
    ["  Taro.Yamada@Example.COM\n", "Taro.Yamada@example.com"],
    ["user@example.com.", "user@example.com"],
    ["user@example.com..", "user@example.com."],
    ["user@例え.jp", "user@xn--r8jz45g.jp"],
    ["user@Bücher.DE", "user@xn--bcher-kva.de"],
    ["taro@ｄｏｃｏｍｏ．ｎｅ．ｊｐ", "taro@docomo.ne.jp"],
    ['"a@b"@C.com', '"a@b"@c.com'],
    ["a@b.C\nOM", "a@b.c\nom"],
    ["a@B .com", "a@b .com"],
  ])("%j -> %j", (raw, expected) => {
    expect(normaliseAddress(raw)).toBe(expected);
  });

  it("splits at the last '@' and keeps the local part's case", () => {
    expect(normaliseAddress("A@B@EXAMPLE.COM")).toBe("A@B@example.com");
  });

  it("keeps control characters in the domain for the syntax check to see", () => {
    // domainToASCII("b.c\nom") is "b.com": normalising must not launder an injection attempt.
    expect(normaliseAddress("a@b.co\u0000m")).toBe("a@b.co\u0000m");
    expect(normaliseAddress("a@b.com\u2028x")).toBe("a@b.com\u2028x");
  });

  it.each([
    "",
    "   ",
    "plainaddress",
    "@example.com",
    "user@",
    "user@.",
    "user@[192.0.2.1]",
    "user@xn--zz.jp",
    "a@b.com%0aBcc:",
  ])("returns null for %j", (raw) => {
    expect(normaliseAddress(raw)).toBeNull();
  });

  it("is idempotent", () => {
    for (const raw of ["  Taro@Example.COM. ", "user@例え.jp", "x@Bücher.de"]) {
      const once = normaliseAddress(raw)!;
      expect(normaliseAddress(once)).toBe(once);
    }
  });
});

describe("domainOf and localPartOf", () => {
  it("split at the last '@'", () => {
    expect(domainOf("Taro@Example.COM")).toBe("example.com");
    expect(domainOf('"a@b"@c.com')).toBe("c.com");
    expect(domainOf("no-at-sign")).toBe("");
    expect(localPartOf("Taro@Example.COM")).toBe("Taro");
    expect(localPartOf('"a@b"@c.com')).toBe('"a@b"');
  });
});
