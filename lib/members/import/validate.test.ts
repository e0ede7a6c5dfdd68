import { describe, expect, it } from "vitest";
import {
  domainsToCheck,
  PROBLEM_CODES,
  summarise,
  validateRows,
  type ProblemCode,
  type ValidationContext,
  type ValidatedRow,
} from "./validate";

const COLUMNS = { loginId: 0, name: 1, email: 2 };

const context = (overrides: Partial<ValidationContext> = {}): ValidationContext => ({
  mode: "create_only",
  existingLoginIds: new Set(["existing01"]),
  suppressed: new Set(["bounced@example.co.jp"]),
  domainVerdicts: new Map([
    ["example.co.jp", { status: "ok" }],
    ["nowhere.invalid", { status: "not_found" }],
    ["flaky.example.com", { status: "unknown" }],
  ]),
  ...overrides,
});

const one = (row: string[], ctx = context()): ValidatedRow => validateRows([row], COLUMNS, ctx)[0]!;
const codes = (row: ValidatedRow): ProblemCode[] => row.problems.map((problem) => problem.code);

describe("validateRows", () => {
  it("accepts a complete row and normalises the address", () => {
    expect(one(["member01", "山田太郎", " Taro@EXAMPLE.co.jp "])).toEqual({
      line: 2,
      loginId: "member01",
      name: "山田太郎",
      email: "Taro@example.co.jp",
      status: "ok",
      problems: [],
    });
  });

  it("accepts a row without an address", () => {
    expect(one(["member01", "Taro", ""])).toMatchObject({
      email: null,
      status: "ok",
      problems: [],
    });
    expect(validateRows([["member01"]], { loginId: 0 }, context())[0]).toMatchObject({
      name: "",
      email: null,
      status: "ok",
    });
  });

  it("accepts an address whose domain could not be checked", () => {
    expect(one(["member01", "Taro", "taro@flaky.example.com"]).status).toBe("ok");
    expect(one(["member01", "Taro", "taro@never-looked-up.example.com"]).status).toBe("ok");
  });

  it("login_id_missing", () => {
    const row = one(["", "Taro", ""]);
    expect(row.status).toBe("error");
    expect(row.problems).toEqual([
      {
        code: "login_id_missing",
        severity: "error",
        message: "The login ID is empty. Enter a login ID for this member.",
      },
    ]);
  });

  it("login_id_invalid, with the rule", () => {
    for (const id of ["abc", "has space", "-leading", "x".repeat(31), "山田太郎"]) {
      const row = one([id, "Taro", ""]);
      expect(codes(row)).toEqual(["login_id_invalid"]);
      expect(row.problems[0]!.message).toContain("5 to 30 characters");
    }
  });

  it("duplicate_in_file, on every row, naming the others", () => {
    const rows = validateRows(
      [
        ["member01", "A", ""],
        ["member02", "B", ""],
        ["MEMBER01", "C", ""],
        ["member01", "D", ""],
      ],
      COLUMNS,
      context({ lines: [2, 3, 5, 9] }),
    );
    expect(rows.map((row) => row.status)).toEqual(["error", "ok", "error", "error"]);
    expect(rows[0]!.problems[0]!.message).toBe(
      'The login ID "member01" is also used in rows 5, 9 of this file. Keep one of these rows and give the others their own login IDs.',
    );
    expect(rows[2]!.problems[0]!.message).toContain("rows 2, 9");
    expect(rows.map((row) => row.line)).toEqual([2, 3, 5, 9]);
  });

  it("duplicate_in_file names a few rows and counts the rest", () => {
    const rows = validateRows(
      Array.from({ length: 20 }, () => ["member01"]),
      { loginId: 0 },
      context(),
    );
    expect(rows[0]!.problems[0]!.message).toContain("rows 3, 4, 5, 6, 7 and 14 more");
    expect(rows[19]!.problems[0]!.message).toContain("rows 2, 3, 4, 5, 6 and 14 more");
  });

  it("duplicate_in_tenant is an error when only creating", () => {
    const row = one(["Existing01", "Taro", ""]);
    expect(row.status).toBe("error");
    expect(codes(row)).toEqual(["duplicate_in_tenant"]);
    expect(row.problems[0]!.message).toContain('"create and update"');
  });

  it("duplicate_in_tenant is a warning when updating", () => {
    const row = one(["existing01", "Taro", ""], context({ mode: "create_and_update" }));
    expect(row.status).toBe("warning");
    expect(row.problems[0]).toMatchObject({ code: "duplicate_in_tenant", severity: "warning" });
    expect(row.problems[0]!.message).toContain("will be updated");
  });

  it("name_invalid: too long, or with a line break or control character", () => {
    expect(one(["member01", "x".repeat(100), ""]).status).toBe("ok");
    const long = one(["member01", "x".repeat(101), ""]);
    expect(codes(long)).toEqual(["name_invalid"]);
    expect(long.problems[0]!.message).toContain("101 characters; at most 100");
    for (const name of ["Taro\nYamada", "Taro\u0000", "Taro\tYamada", "Taro\u2028Yamada"]) {
      const row = one(["member01", name, ""]);
      expect(row.status).toBe("error");
      expect(row.problems[0]!.message).toContain("invisible character");
    }
    expect(one(["member01", "山田 太郎（やまだ）", ""]).status).toBe("ok");
  });

  it("an administrator's login ID is an error in either mode", () => {
    for (const mode of ["create_only", "create_and_update"] as const) {
      const ctx = context({
        mode,
        existingLoginIds: new Set(["existing01", "boss.admin"]),
        adminLoginIds: new Set(["boss.admin"]),
      });
      const row = one(["Boss.Admin", "Boss", ""], ctx);
      expect(row.status).toBe("error");
      expect(codes(row)).toEqual(["duplicate_in_tenant"]);
      expect(row.problems[0]!.message).toContain("belongs to an administrator");
    }
  });

  it("email_invalid says what is wrong", () => {
    const cases: [string, RegExp][] = [
      ["taro.example.co.jp", /has no @/],
      ["taro yamada@example.co.jp", /contains a space/],
      ["taro..yamada.@docomo.ne.jp", /part before the @ is not valid/],
      ["taro@localhost", /not a valid domain/],
    ];
    for (const [address, message] of cases) {
      const row = one(["member01", "Taro", address]);
      expect(row).toMatchObject({ status: "error", email: null });
      expect(codes(row)).toEqual(["email_invalid"]);
      expect(row.problems[0]!.message).toMatch(message);
      expect(row.problems[0]!.message).toMatch(/Correct the address or leave it empty\.$/);
    }
  });

  it("domain_not_found is an error", () => {
    const row = one(["member01", "Taro", "taro@nowhere.invalid"]);
    expect(row.status).toBe("error");
    expect(codes(row)).toEqual(["domain_not_found"]);
    expect(row.problems[0]!.message).toContain("nowhere.invalid does not exist");
  });

  it("typo_suggestion is a warning with the corrected address", () => {
    const row = one(["member01", "Taro", "taro@gmial.com"]);
    expect(row.status).toBe("warning");
    expect(row.problems).toEqual([
      expect.objectContaining({
        code: "typo_suggestion",
        severity: "warning",
        suggestion: "taro@gmail.com",
      }),
    ]);
  });

  it("disposable_address is a warning", () => {
    const row = one(["member01", "Taro", "taro@mailinator.com"]);
    expect(row.status).toBe("warning");
    expect(codes(row)).toEqual(["disposable_address"]);
  });

  it("role_address is a warning", () => {
    const row = one(["member01", "Taro", "info@example.co.jp"]);
    expect(row.status).toBe("warning");
    expect(codes(row)).toEqual(["role_address"]);
  });

  it("suppressed_address is an error", () => {
    const row = one(["member01", "Taro", "Bounced@Example.CO.JP"]);
    expect(row.status).toBe("error");
    expect(codes(row)).toEqual(["suppressed_address"]);
    expect(row.problems[0]!.message).toContain("bounced or was reported as spam");
  });

  it("the same address on two rows under different login IDs is a warning that names the other row", () => {
    const rows = validateRows(
      [
        ["member01", "Taro", "family@example.co.jp"],
        ["member02", "Hanako", "Family@Example.co.jp"],
        ["member03", "Jiro", "jiro@example.co.jp"],
      ],
      COLUMNS,
      context(),
    );
    expect(rows.map((r) => r.status)).toEqual(["warning", "warning", "ok"]);
    expect(codes(rows[0]!)).toEqual(["duplicate_address_in_file"]);
    expect(rows[0]!.problems[0]!.message).toContain("row 3");
    expect(rows[1]!.problems[0]!.message).toContain("row 2");
    expect(rows[1]!.problems[0]!.message).toMatch(/keep both/);
  });

  it("gives every problem a sentence that ends with what to do", () => {
    const rows = validateRows(
      [
        ["", "", "x"],
        ["a b", "", "taro@gmial.com"],
        ["existing01", "", "info@nowhere.invalid"],
        ["existing01", "", "bounced@example.co.jp"],
        ["member05", "", "t@mailinator.com"],
        ["member06", "x".repeat(101), ""],
        ["member07", "", "same@example.co.jp"],
        ["member08", "", "same@example.co.jp"],
      ],
      COLUMNS,
      context(),
    );
    const seen = new Set(rows.flatMap(codes));
    expect([...seen].sort()).toEqual([...PROBLEM_CODES].sort());
    for (const problem of rows.flatMap((row) => row.problems)) {
      expect(problem.message).toMatch(/^[A-Z"a-z].*\.$/);
    }
  });
});

describe("domainsToCheck", () => {
  it("lists each domain of a usable address once", () => {
    const rows = [
      ["a", "", "x@Example.co.jp"],
      ["b", "", "y@example.co.jp"],
      ["c", "", "bad address@other.example"],
      ["d", "", ""],
      ["e", "", "z@gmial.com"],
      ["f"],
    ];
    expect(domainsToCheck(rows, COLUMNS)).toEqual(["example.co.jp", "gmial.com"]);
    expect(domainsToCheck(rows, { loginId: 0 })).toEqual([]);
  });
});

describe("summarise", () => {
  it("counts rows by status and by problem", () => {
    const rows = validateRows(
      [
        ["member01", "", ""],
        ["member01", "", "info@example.co.jp"],
        ["member03", "", "taro@gmial.com"],
        ["", "", ""],
      ],
      COLUMNS,
      context(),
    );
    const summary = summarise(rows);
    expect(summary).toMatchObject({ total: 4, ok: 0, warning: 1, error: 3 });
    expect(summary.byCode).toMatchObject({
      duplicate_in_file: 2,
      role_address: 1,
      typo_suggestion: 1,
      login_id_missing: 1,
      suppressed_address: 0,
    });
    expect(Object.keys(summary.byCode).sort()).toEqual([...PROBLEM_CODES].sort());
  });
});
