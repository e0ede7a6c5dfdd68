import { describe, expect, it } from "vitest";
import { ImportError, NOT_A_SPREADSHEET } from "./errors";
import {
  binaryGarbage,
  deflated,
  SHIFT_JIS_CSV,
  utf8,
  withBom,
  workbook,
  zipArchive,
} from "@/test/fixtures/uploads";
import { detectFormat, parseUpload } from "./parse";

const LIMITS = { maxBytes: 10 * 1024 * 1024, maxRows: 100_000 };
const parse = (name: string, bytes: Uint8Array, limits = LIMITS) =>
  parseUpload({ name, bytes }, limits);

describe("parseUpload: CSV", () => {
  it("reads UTF-8, trims cells and drops empty rows", () => {
    const result = parse(
      "members.csv",
      utf8(
        " login_id , name ,email\n\n member01 ,Taro, taro@example.co.jp \n,,\n member02,Hanako,\n",
      ),
    );
    expect(result).toEqual({
      headers: ["login_id", "name", "email"],
      rows: [
        ["member01", "Taro", "taro@example.co.jp"],
        ["member02", "Hanako"],
      ],
      lines: [3, 5],
      cleanedLines: [],
      format: "csv",
      encoding: "utf-8",
    });
  });

  it("reads UTF-8 with a BOM", () => {
    const result = parse("members.csv", withBom("ログインID,氏名\r\nmember01,山田太郎\r\n"));
    expect(result.encoding).toBe("utf-8-bom");
    expect(result.headers).toEqual(["ログインID", "氏名"]);
    expect(result.rows).toEqual([["member01", "山田太郎"]]);
  });

  it("reads Shift_JIS", () => {
    const result = parse("members.csv", SHIFT_JIS_CSV);
    expect(result.encoding).toBe("shift_jis");
    expect(result.headers).toEqual(["ログインID", "氏名", "メールアドレス"]);
    expect(result.rows).toEqual([
      ["taro01", "山田太郎", "taro@example.co.jp"],
      ["hana02", "髙橋①花子"],
    ]);
  });

  it("keeps line breaks inside quoted fields and numbers rows as Excel does", () => {
    const result = parse(
      "members.csv",
      utf8(
        'login_id,name,note\r\nmember01,"Yamada, Taro","line one\r\nline two"\r\nmember02,B,"say ""hi"""',
      ),
    );
    expect(result.rows).toEqual([
      ["member01", "Yamada, Taro", "line one\r\nline two"],
      ["member02", "B", 'say "hi"'],
    ]);
    expect(result.lines).toEqual([2, 3]);
  });

  it("refuses an empty file", () => {
    expect(() => parse("members.csv", new Uint8Array())).toThrow(/^The file is empty/);
  });

  it("refuses a file of blank lines as empty", () => {
    expect(() => parse("members.csv", utf8("\r\n , \r\n\r\n"))).toThrow(/^The file is empty/);
    expect(() => parse("members.csv", withBom(""))).toThrow(/^The file is empty/);
  });

  it("refuses binary garbage, whatever its name", () => {
    expect(() => parse("members.csv", binaryGarbage(10_000))).toThrow(
      new ImportError(NOT_A_SPREADSHEET),
    );
  });

  it("refuses a file over the size limit, saying both sizes", () => {
    const bytes = utf8("login_id\n" + "member01\n".repeat(200));
    expect(() => parse("members.csv", bytes, { maxBytes: 1000, maxRows: 10_000 })).toThrow(
      /^The file is 2 KB, over the limit of 1 KB\. Split it/,
    );
    expect(() => parse("m.csv", new Uint8Array(11 * 1024 * 1024), LIMITS)).toThrow(
      "The file is 11 MB, over the limit of 10 MB. Split it into smaller files and upload them one by one.",
    );
  });

  it("refuses 100,001 rows and accepts 100,000", () => {
    const body = (n: number) => {
      const lines = ["login_id,name"];
      for (let i = 0; i < n; i += 1) lines.push(`member${i},Name ${i}`);
      return utf8(lines.join("\n"));
    };
    expect(() => parse("big.csv", body(100_001))).toThrow(
      "The file has more than 100,000 member rows, the most one upload can hold. Split it into files of at most 100,000 rows and upload them one by one.",
    );
    const result = parse("big.csv", body(100_000));
    expect(result.rows).toHaveLength(100_000);
    expect(result.lines.at(-1)).toBe(100_001);
  });
});

describe("parseUpload: Excel", () => {
  it("reads the first sheet of an .xlsx as text", () => {
    const bytes = workbook([
      [
        ["ログインID", "氏名", "メールアドレス"],
        ["member01", "山田太郎", "taro@example.co.jp"],
        [12345, "Numeric ID", ""],
        [],
        ["member03", " padded ", "hanako@example.co.jp"],
      ],
      [["other sheet"], ["ignored"]],
    ]);
    const result = parse("members.xlsx", bytes);
    expect(result.format).toBe("xlsx");
    expect(result.encoding).toBeUndefined();
    expect(result.headers).toEqual(["ログインID", "氏名", "メールアドレス"]);
    expect(result.rows).toEqual([
      ["member01", "山田太郎", "taro@example.co.jp"],
      ["12345", "Numeric ID"],
      ["member03", "padded", "hanako@example.co.jp"],
    ]);
    expect(result.lines).toEqual([2, 3, 5]);
  });

  it("reads an .xls (BIFF8)", () => {
    const bytes = workbook(
      [
        [
          ["login_id", "name", "email"],
          ["member01", "山田太郎", "taro@example.co.jp"],
        ],
      ],
      "biff8",
    );
    const result = parse("members.xls", bytes);
    expect(result.format).toBe("xls");
    expect(result.rows).toEqual([["member01", "山田太郎", "taro@example.co.jp"]]);
  });

  it("gives a formula cell's cached value as text, never the formula", () => {
    for (const bookType of ["xlsx", "biff8"] as const) {
      const bytes = workbook(
        [
          [
            ["login_id", "name", "email"],
            [
              "member01",
              { t: "s", f: 'HYPERLINK("http://evil.example","x")', v: "click me" },
              { t: "n", f: "1+1", v: 2 },
            ],
          ],
        ],
        bookType,
      );
      const result = parse("members", bytes);
      expect(result.rows).toEqual([["member01", "click me", "2"]]);
      expect(JSON.stringify(result)).not.toContain("HYPERLINK");
    }
  });

  it("detects the format by content, not by name", () => {
    const xlsx = workbook([[["login_id"], ["member01"]]]);
    expect(parse("members.csv", xlsx).format).toBe("xlsx");
    expect(parse("members.xlsx", utf8("login_id\nmember01\n")).format).toBe("csv");
    expect(detectFormat(workbook([[["a"]]], "biff8"))).toBe("xls");
  });

  it("refuses more rows than the limit in a workbook", () => {
    const rows = [["login_id"], ...Array.from({ length: 6 }, (_, i) => [`member0${i}`])];
    const bytes = workbook([rows]);
    expect(() => parse("m.xlsx", bytes, { maxBytes: 1e7, maxRows: 5 })).toThrow(
      /more than 5 member rows/,
    );
    expect(parse("m.xlsx", bytes, { maxBytes: 1e7, maxRows: 6 }).rows).toHaveLength(6);
  });

  it("refuses a workbook whose rows go past the read limit even when blank rows hide them", () => {
    const sheet: (string | number)[][] = [["login_id"], ["member01"]];
    for (let i = 0; i < 10; i += 1) sheet.push([]);
    sheet.push(["member99"]);
    expect(() => parse("m.xlsx", workbook([sheet]), { maxBytes: 1e7, maxRows: 5 })).toThrow(
      /more than 5 member rows/,
    );
  });

  it("refuses an empty workbook as empty", () => {
    expect(() => parse("m.xlsx", workbook([[]]))).toThrow(/^The file is empty/);
  });

  it("refuses a damaged .xlsx", () => {
    const bytes = workbook([[["login_id"], ["member01"]]]);
    expect(() => parse("m.xlsx", bytes.subarray(0, bytes.byteLength - 40))).toThrow(
      /damaged|could not be read/,
    );
    const ole = Uint8Array.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 1, 2, 3]);
    expect(() => parse("m.xls", ole)).toThrow(/could not be read/);
  });

  it("refuses a zip bomb named .xlsx before opening it", () => {
    const zeros = new Uint8Array(150 * 1024 * 1024);
    const bomb = zipArchive([
      {
        name: "xl/worksheets/sheet1.xml",
        data: deflated(zeros),
        method: 8,
        declaredSize: zeros.byteLength,
      },
    ]);
    expect(bomb.byteLength).toBeLessThan(200_000);
    expect(() => parse("members.xlsx", bomb)).toThrow(/expands to far more data/);
  });

  it("refuses a .xlsx whose directory understates what an entry inflates to", () => {
    const liar = zipArchive([
      {
        name: "xl/worksheets/sheet1.xml",
        data: deflated(new Uint8Array(5_000_000)),
        method: 8,
        declaredSize: 1000,
      },
    ]);
    expect(() => parse("members.xlsx", liar)).toThrow(/expands to far more data/);
  });
});

describe("parseUpload: wide sheets", () => {
  it("reads at most MAX_COLUMNS columns, however far a stray cell lies", () => {
    const row: (string | number)[] = ["member01"];
    row[16_000] = "far away";
    const result = parse("wide.xlsx", workbook([[["login_id"], row]]));
    expect(result.rows).toEqual([["member01"]]);
  });
});

describe("parseUpload: control characters in cells", () => {
  it("removes NUL and other control characters from every cell, and names the rows", () => {
    const csv = parse("members.csv", utf8("login_id,name\nmember01,Ta\u0007ro\nmember02,Hanako\n"));
    expect(csv.rows).toEqual([
      ["member01", "Taro"],
      ["member02", "Hanako"],
    ]);
    expect(csv.cleanedLines).toEqual([2]);
    const xlsx = parse(
      "members.xlsx",
      workbook([
        [
          ["login_id", "name"],
          ["member01", "Hanako"],
          ["mem\u0000ber02", "Ji\u001bro"],
        ],
      ]),
    );
    expect(xlsx.rows).toEqual([
      ["member01", "Hanako"],
      ["member02", "Jiro"],
    ]);
    expect(xlsx.cleanedLines).toEqual([3]);
  });
});
