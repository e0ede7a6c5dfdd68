import { describe, expect, it } from "vitest";
import { parseCsv, type CsvRecord } from "./csv";
import { ImportError } from "./errors";

function records(text: string): CsvRecord[] {
  const out: CsvRecord[] = [];
  parseCsv(text, (record) => out.push(record));
  return out;
}
const cells = (text: string) => records(text).map((record) => record.cells);

describe("parseCsv", () => {
  it("splits LF and CRLF lines, with or without a final line break", () => {
    expect(cells("a,b\n1,2\n")).toEqual([
      ["a", "b"],
      ["1", "2"],
    ]);
    expect(cells("a,b\r\n1,2\r\n")).toEqual([
      ["a", "b"],
      ["1", "2"],
    ]);
    expect(cells("a,b\r\n1,2")).toEqual([
      ["a", "b"],
      ["1", "2"],
    ]);
    expect(cells("a,b\r1,2\r")).toEqual([
      ["a", "b"],
      ["1", "2"],
    ]);
  });

  it("reads quoted fields with commas, doubled quotes and line breaks", () => {
    expect(
      cells('id,name\r\nx1,"Yamada, Taro"\r\nx2,"say ""hi"""\r\nx3,"two\r\nlines"\r\n'),
    ).toEqual([
      ["id", "name"],
      ["x1", "Yamada, Taro"],
      ["x2", 'say "hi"'],
      ["x3", "two\r\nlines"],
    ]);
  });

  it("numbers records as a spreadsheet shows them, blank lines included", () => {
    const result = records('h\n"a\nb"\n\nc');
    expect(result.map((record) => record.line)).toEqual([1, 2, 3, 4]);
    expect(result[2]!.cells).toEqual([""]);
  });

  it("keeps empty fields, a trailing delimiter and a lone quoted empty string", () => {
    expect(cells(",a,,\n")).toEqual([["", "a", "", ""]]);
    expect(cells('""')).toEqual([[""]]);
    expect(cells("a,")).toEqual([["a", ""]]);
  });

  it("is lenient with stray quotes as Excel is", () => {
    expect(cells('ab"c,"d"e\n')).toEqual([['ab"c', "de"]]);
  });

  it("refuses an unclosed quote, naming the row", () => {
    expect(() => cells('id,name\nx1,"open\nx2,b\n')).toThrow(ImportError);
    expect(() => cells('id,name\nx1,"open\nx2,b\n')).toThrow(/starts in row 2/);
  });

  it("uses tab or semicolon when the first line has no comma", () => {
    expect(cells("a\tb\n1\t2")).toEqual([
      ["a", "b"],
      ["1", "2"],
    ]);
    expect(cells("a;b\n1;2")).toEqual([
      ["a", "b"],
      ["1", "2"],
    ]);
  });
});
