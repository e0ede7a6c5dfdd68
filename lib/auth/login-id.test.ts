import { describe, expect, it } from "vitest";
import { loginFormSchema } from "./login-form-schema";
import {
  loginIdSchema,
  memberLoginIdSchema,
  normaliseLoginId,
  TENANT_SLUG_PATTERN,
} from "./login-id";

const message = (input: string) => {
  const result = loginIdSchema.safeParse(input);
  return result.success ? null : result.error.issues[0]!.message;
};

describe("loginIdSchema", () => {
  it("accepts 5 to 30 letters, digits and . _ - @", () => {
    for (const ok of [
      "taro.y",
      "hanako_s",
      "a-b-c",
      "user@school",
      "ABCDE",
      "x".repeat(30),
      "12345",
    ]) {
      expect(message(ok), ok).toBeNull();
    }
  });

  it("trims surrounding spaces", () => {
    expect(loginIdSchema.parse("  taro.y  ")).toBe("taro.y");
  });

  it("explains each kind of bad login ID", () => {
    expect(message("")).toBe("Enter your login ID.");
    expect(message("abcd")).toBe("A login ID has at least 5 characters.");
    expect(message("x".repeat(31))).toBe("A login ID has at most 30 characters.");
    for (const odd of [
      "taro y",
      "taro<script>",
      "たろうさん です",
      ".hidden",
      "tab\tbed",
      "nul\u0000led",
      "semi;colon",
    ]) {
      expect(message(odd), JSON.stringify(odd)).toMatch(/uses only letters, digits/);
    }
  });

  it("normalises for comparison", () => {
    expect(normaliseLoginId("  Taro.Y ")).toBe("taro.y");
  });
});

describe("loginFormSchema", () => {
  it("asks for a password and refuses absurd ones", () => {
    const empty = loginFormSchema.safeParse({ loginId: "taro.y", password: "" });
    expect(empty.success).toBe(false);
    expect(empty.error?.issues[0]?.message).toBe("Enter your password.");
    const huge = loginFormSchema.safeParse({ loginId: "taro.y", password: "x".repeat(257) });
    expect(huge.error?.issues[0]?.message).toBe("A password has at most 256 characters.");
  });
});

describe("TENANT_SLUG_PATTERN", () => {
  it("matches the database's check", () => {
    for (const ok of ["sakura", "a", "north-wind", "a1"])
      expect(TENANT_SLUG_PATTERN.test(ok), ok).toBe(true);
    for (const bad of ["", "-a", "a-", "Sakura", "a_b", "x".repeat(41), "../etc"]) {
      expect(TENANT_SLUG_PATTERN.test(bad), bad).toBe(false);
    }
  });
});

describe("memberLoginIdSchema", () => {
  it("asks an admin for the member's login ID, not their own", () => {
    const result = memberLoginIdSchema.safeParse("");
    expect(result.error?.issues[0]?.message).toBe("Enter the member's login ID.");
    expect(memberLoginIdSchema.parse(" taro.y ")).toBe("taro.y");
  });
});
