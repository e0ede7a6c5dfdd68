import { describe, expect, it } from "vitest";
import { read, utils } from "xlsx";
import { excelDate, neutralise, workbookBuffer, workbookStream } from "./xlsx";

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

describe("a workbook whose sheets cannot be made", () => {
  it("fails the download with the reason, and the failure is handled while exceljs loads", async () => {
    const failed = Promise.reject(new Error("The ledger could not be read."));
    const reader = workbookStream(failed).getReader();
    await expect(
      (async () => {
        for (;;) if ((await reader.read()).done) return;
      })(),
    ).rejects.toThrow("The ledger could not be read.");
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

  it("a sheet written last keeps its place: its rows may wait for what the other sheets' reading works out", async () => {
    // More rows than one part of the zip holds, so the summary could not wait in memory for them.
    const many = Array.from({ length: 20_000 }, (_, i) => [`m${i}`, `note ${i}`]);
    let counted = 0;
    async function* counting() {
      for (let i = 0; i < many.length; i += 1_000) {
        const batch = many.slice(i, i + 1_000);
        counted += batch.length;
        yield batch;
      }
    }
    const summaryRows = async function* () {
      yield ["Rows", counted] as const;
    };
    const workbook = read(
      await workbookBuffer([
        { name: "Summary", columns: sheets[0]!.columns, rows: summaryRows(), writtenLast: true },
        { name: "Rows", columns: sheets[1]!.columns, batches: counting() },
        { name: "More", columns: sheets[1]!.columns, rows: [["x", "y"]] },
      ]),
    );
    expect(workbook.SheetNames).toEqual(["Summary", "Rows", "More"]);
    expect(utils.sheet_to_json(workbook.Sheets.Summary!)).toEqual([
      { What: "Rows", Count: 20_000 },
    ]);
    expect(utils.sheet_to_json<unknown[]>(workbook.Sheets.Rows!, { header: 1 })).toHaveLength(
      20_001,
    );
  });

  it("streams the same bytes a reader can open", async () => {
    const response = new Response(workbookStream(sheets));
    const workbook = read(new Uint8Array(await response.arrayBuffer()));
    expect(utils.sheet_to_json(workbook.Sheets.Summary!)).toEqual([{ What: "Rows", Count: 3 }]);
  });
});

describe("streaming", () => {
  /** A sheet whose rows never end (random text, so it compresses no better than real names), counting what was taken. */
  function endless() {
    const taken = { rows: 0, released: false, ended: false };
    async function* rows() {
      try {
        for (;;) {
          taken.rows++;
          yield [`member.${taken.rows}`, Math.random().toString(36).repeat(4), taken.rows];
        }
      } finally {
        taken.ended = true;
      }
    }
    const sheets = [
      {
        name: "Rows",
        columns: [{ header: "Login ID" }, { header: "Note" }, { header: "N" }],
        rows: rows(),
        release: async () => {
          taken.released = true;
        },
      },
    ];
    return { taken, sheets };
  }

  const until = async (done: () => boolean) => {
    for (let i = 0; i < 500 && !done(); i++) await new Promise((r) => setTimeout(r, 10));
  };

  it("a reader who does not read holds the writing back: the rows taken stay bounded", async () => {
    const { taken, sheets } = endless();
    const reader = workbookStream(sheets).getReader();
    await reader.read();
    // Stalled: nothing more taken for a while (however slow the machine), after a bounded number.
    let held = -1;
    for (let i = 0; i < 50 && taken.rows !== held; i++) {
      held = taken.rows;
      await new Promise((r) => setTimeout(r, 300));
    }
    expect(taken.rows).toBe(held);
    expect(held).toBeLessThan(100_000);
    await reader.cancel();
  });

  it("a reader who cancels ends the writing: the rows' source is closed and released", async () => {
    const { taken, sheets } = endless();
    const reader = workbookStream(sheets).getReader();
    await reader.read();
    await reader.cancel();
    await until(() => taken.released);
    expect(taken.ended).toBe(true);
    expect(taken.released).toBe(true);
    const after = taken.rows;
    await new Promise((r) => setTimeout(r, 100));
    expect(taken.rows).toBe(after);
  });

  it("a reader who cancels while the workbook is being finished still frees its sources", async () => {
    // Fewer rows than one turn of the pacing, of text that does not compress: the zip holds it
    // back, the commit at the end writes it all, and a reader who stopped reading stalls it there.
    const noise = () =>
      Array.from({ length: 1000 }, () => Math.random().toString(36).slice(2)).join("");
    let released = false;
    const sheets = [
      {
        name: "Rows",
        columns: [{ header: "Login ID" }, { header: "Note" }],
        rows: Array.from({ length: 99 }, (_, i) => [`member.${i}`, noise()]),
        release: async () => {
          released = true;
        },
      },
    ];
    const reader = workbookStream(sheets).getReader();
    await reader.read();
    // Long enough for the writing to reach the commit and wait there for the reader.
    await new Promise((r) => setTimeout(r, 500));
    expect(released).toBe(false);
    await reader.cancel();
    await until(() => released);
    expect(released).toBe(true);
  });

  it("a sheet given in batches is written like one given row by row", async () => {
    const rows = Array.from({ length: 1_234 }, (_, i) => [`m${i}`, i % 7 === 0 ? "=x" : "ok", i]);
    async function* batches() {
      for (let i = 0; i < rows.length; i += 500) yield rows.slice(i, i + 500);
    }
    const columns = [{ header: "Login ID" }, { header: "Note" }, { header: "N" }];
    const batched = read(await workbookBuffer([{ name: "Rows", columns, batches: batches() }]));
    const plain = read(await workbookBuffer([{ name: "Rows", columns, rows }]));
    const back = utils.sheet_to_json<unknown[]>(batched.Sheets.Rows!, { header: 1 });
    expect(back).toEqual(utils.sheet_to_json<unknown[]>(plain.Sheets.Rows!, { header: 1 }));
    expect(back).toHaveLength(1_235);
    expect(back[1]).toEqual(["m0", "'=x", 0]);
  });

  it("a date column's day numbers are date cells, as its Dates are", async () => {
    const when = new Date("2026-12-01T08:30:00Z");
    const book = read(
      await workbookBuffer([
        {
          name: "Rows",
          columns: [{ header: "Date", date: true }, { header: "Number" }],
          rows: [
            [when, 1],
            [excelDate(when.getTime()), 2],
          ],
        },
      ]),
      { cellDates: true, cellNF: true },
    );
    const sheet = book.Sheets.Rows!;
    for (const cell of ["A2", "A3"]) {
      expect(sheet[cell]!.t).toBe("d");
      expect(sheet[cell]!.z).toBe("yyyy-mm-dd hh:mm");
    }
    expect(sheet.A3!.v).toEqual(sheet.A2!.v);
    expect(sheet.B3!.t).toBe("n");
  });
});
