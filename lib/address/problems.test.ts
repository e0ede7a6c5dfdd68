import { describe, expect, it } from "vitest";
import { checkAddressSyntax } from "./check";
import { addressProblems, SYNTAX_MESSAGES } from "./problems";
import type { SyntaxProblem } from "./syntax";

const problemsOf = (
  raw: string,
  facts: Parameters<typeof addressProblems>[1] = { suppressed: false },
) => addressProblems(checkAddressSyntax(raw), facts);

describe("addressProblems", () => {
  it("refuses a malformed address with one sentence that says what to do, and nothing else", () => {
    const [only, ...rest] = problemsOf("taro.example.com");
    expect(rest).toEqual([]);
    expect(only).toMatchObject({ code: "email_invalid", severity: "error", overridable: false });
    expect(only!.message).toMatch(/has no @.*Correct the address or leave it empty\.$/);
  });

  it("lists suppression, a missing domain, a typo, throwaway and shared addresses, errors first", () => {
    const problems = problemsOf("info@mailinator.com", {
      suppressed: true,
      domain: { status: "not_found" },
    });
    expect(problems.map((p) => [p.code, p.severity, p.overridable])).toEqual([
      ["suppressed_address", "error", false],
      ["domain_not_found", "error", true],
      ["disposable_address", "warning", false],
      ["role_address", "warning", false],
    ]);
    const typo = problemsOf("hanako@gmial.com");
    expect(typo).toEqual([
      expect.objectContaining({
        code: "typo_suggestion",
        overridable: true,
        suggestion: "hanako@gmail.com",
        message: expect.stringMatching(/^Did you mean hanako@gmail\.com\? /),
      }),
    ]);
  });

  it("does not count a domain DNS could not judge against the address", () => {
    expect(
      problemsOf("hanako@example.co.jp", { suppressed: false, domain: { status: "unknown" } }),
    ).toEqual([]);
  });

  it("has a sentence for every syntax problem", () => {
    for (const [problem, message] of Object.entries(SYNTAX_MESSAGES) as [SyntaxProblem, string][]) {
      expect(message, problem).toMatch(/^The .*\.$|\)\.$/);
    }
  });
});
