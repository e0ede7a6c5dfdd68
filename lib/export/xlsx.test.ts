import { describe, expect, it } from "vitest";
import { read, utils } from "xlsx";
import { neutralise, workbookBuffer, workbookStream } from "./xlsx";

describe("neutralise", () => {
  it("turns text that could be read as a formula into plain text", () => {
    for (const risky of ["=1+1", "+81 90", "-2", "@SUM(A1)", "\t=cmd", "\r=cmd"]) {
      expect(neutralise(risky)).toBe(`'${risky}`);
    }
  });

  it("leaves everything else as it is", () => {
    for (const safe of ["taro@example.com", "山田 太郎", "", "a=b", "1-2"]) {
      expect(neutralise(safe)).toBe(safe);
    }
    expect(neutralise(42)).toBe(42);
    expect(neutralise(null)).toBeNull();
  });
});

describe("workbooks", () => {
  const sheets = [
    {
      name: "Summary",
      columns: [{ header: "What" }, { header: "Count" }],
      rows: [["Rows", 3] as const],
    },
    {
      name: "Rows",
      columns: [{ header: "Login ID" }, { header: "Note" }],
      rows: [
        ["taro", '=HYPERLINK("http://evil")'],
        ["hanako", "ok"],
      ],
    },
  ];

  it("writes every sheet with its header and neutralised cells", async () => {
    const workbook = read(await workbookBuffer(sheets));
    expect(workbook.SheetNames).toEqual(["Summary", "Rows"]);
    const rows = utils.sheet_to_json<string[]>(workbook.Sheets.Rows!, { header: 1 });
    expect(rows).toEqual([
      ["Login ID", "Note"],
      ["taro", '\'=HYPERLINK("http://evil")'],
      ["hanako", "ok"],
    ]);
    // A string cell, never a formula.
    expect(workbook.Sheets.Rows!.B2!.f).toBeUndefined();
  });

  it("streams the same bytes a reader can open", async () => {
    const response = new Response(workbookStream(sheets));
    const workbook = read(new Uint8Array(await response.arrayBuffer()));
    expect(utils.sheet_to_json(workbook.Sheets.Summary!)).toEqual([{ What: "Rows", Count: 3 }]);
  });
});
