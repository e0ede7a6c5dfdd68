import { describe, expect, it } from "vitest";
import { passwordProblem } from "./password-policy";
import {
  formatCode,
  hashSecret,
  linkTokenPool,
  newActivationCode,
  newLinkToken,
  normaliseCode,
  sameHash,
} from "./secrets";

describe("secrets", () => {
  it("makes URL-safe link tokens the invitation template accepts", () => {
    const tokens = new Set(Array.from({ length: 1_000 }, newLinkToken));
    expect(tokens.size).toBe(1_000);
    for (const t of tokens) expect(t).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it("makes 10-character codes without look-alike characters", () => {
    for (let i = 0; i < 2_000; i++)
      expect(newActivationCode()).toMatch(/^[ABCDEFGHJKMNPQRSTUVWXYZ2-9]{10}$/);
  });

  it("accepts a code typed in any case with spaces or hyphens", () => {
    const code = "ABCDE23456";
    expect(formatCode(code)).toBe("ABCDE-23456");
    expect(normaliseCode(" abcde-234 56 ")).toBe(code);
    expect(sameHash(hashSecret(normaliseCode("abcde 23456")), hashSecret(code))).toBe(true);
    expect(sameHash(hashSecret("x"), hashSecret("y"))).toBe(false);
  });
});

describe("passwordProblem", () => {
  it.each([
    ["short", "A password has at least 10 characters."],
    ["password123", "That password is too common. Choose one nobody would guess."],
    ["QWERTYUIOP", "That password is too common. Choose one nobody would guess."],
    ["zzzzzzzzzzzz", "That password is too common. Choose one nobody would guess."],
    ["x".repeat(257), "A password has at most 256 characters."],
  ])("refuses %j", (password, message) => {
    expect(passwordProblem(password)).toBe(message);
  });

  it("refuses a password containing the login ID", () => {
    expect(passwordProblem("my-taro.yamada-pass", "Taro.Yamada")).toBe(
      "A password must not contain your login ID.",
    );
  });

  it("accepts a long private passphrase", () => {
    expect(passwordProblem("correct horse battery staple", "taro.yamada")).toBeNull();
  });
});

describe("linkTokenPool", () => {
  it("hands out distinct 256-bit URL-safe tokens, and keeps going past its size", () => {
    const next = linkTokenPool(1_000);
    const tokens = Array.from({ length: 1_010 }, () => next());
    expect(new Set(tokens).size).toBe(1_010);
    for (const token of tokens) {
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(token, "base64url")).toHaveLength(32);
    }
  });
});
