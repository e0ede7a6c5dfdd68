import { describe, expect, it } from "vitest";
import { ImportError } from "./errors";
import { deflated, utf8, workbook, zipArchive } from "@/test/fixtures/uploads";
import { DEFAULT_ZIP_LIMITS, inspectZip } from "./zip";

describe("inspectZip", () => {
  it("passes an ordinary workbook and sums its entries", () => {
    const bytes = workbook([
      [
        ["login_id", "name"],
        ["member01", "Taro"],
      ],
    ]);
    const summary = inspectZip(bytes);
    expect(summary.entries).toBeGreaterThan(3);
    expect(summary.uncompressedBytes).toBeGreaterThan(summary.compressedBytes);
  });

  it("passes honest stored and deflated entries", () => {
    const text = utf8("<sheet/>".repeat(100));
    const summary = inspectZip(
      zipArchive([
        { name: "a.xml", data: text, method: 0, declaredSize: text.byteLength },
        { name: "b.xml", data: deflated(text), method: 8, declaredSize: text.byteLength },
      ]),
    );
    expect(summary).toMatchObject({ entries: 2, uncompressedBytes: 1600 });
  });

  it("refuses a directory that claims more than the total limit, without inflating", () => {
    // Only the header numbers: 4 GB claimed for a few bytes of data.
    const claim = zipArchive([
      { name: "xl/worksheets/sheet1.xml", data: utf8("x"), method: 8, declaredSize: 0xfffffffe },
    ]);
    expect(() => inspectZip(claim)).toThrow(ImportError);
    expect(() => inspectZip(claim)).toThrow(/expands to far more data/);
  });

  it("refuses a ZIP64 size claim of petabytes", () => {
    const claim = zipArchive([
      {
        name: "xl/worksheets/sheet1.xml",
        data: utf8("x"),
        method: 8,
        declaredSize: 0xffffffff,
        zip64Size: 1n << 50n,
      },
    ]);
    expect(() => inspectZip(claim)).toThrow(/expands to far more data/);
  });

  it("refuses an absurd compression ratio under the total limit", () => {
    const zeros = new Uint8Array(20 * 1024 * 1024);
    const bomb = zipArchive([
      { name: "s.xml", data: deflated(zeros), method: 8, declaredSize: zeros.byteLength },
    ]);
    expect(zeros.byteLength).toBeLessThan(DEFAULT_ZIP_LIMITS.maxUncompressedBytes);
    expect(() => inspectZip(bomb)).toThrow(/expands to far more data/);
  });

  it("refuses too many entries", () => {
    const entries = Array.from({ length: 11 }, (_, i) => ({
      name: `f${i}`,
      data: utf8("x"),
      method: 0 as const,
      declaredSize: 1,
    }));
    expect(() =>
      inspectZip(zipArchive(entries), { ...DEFAULT_ZIP_LIMITS, maxEntries: 10 }),
    ).toThrow(ImportError);
  });

  it("refuses a ZIP without a central directory as damaged", () => {
    expect(() => inspectZip(Uint8Array.of(0x50, 0x4b, 0x03, 0x04, 0, 0))).toThrow(/damaged/);
  });

  it("refuses a directory that points outside the file as damaged", () => {
    const bytes = zipArchive([{ name: "a", data: utf8("abc"), method: 8, declaredSize: 3 }]);
    const view = new DataView(bytes.buffer);
    view.setUint32(bytes.byteLength - 6, 1_000_000, true); // central directory offset
    expect(() => inspectZip(bytes)).toThrow(/damaged/);
  });

  it("refuses an entry whose deflate stream is corrupt as damaged", () => {
    const bytes = zipArchive([
      { name: "a", data: Uint8Array.of(0xff, 0xff, 0xff), method: 8, declaredSize: 3 },
    ]);
    expect(() => inspectZip(bytes)).toThrow(/damaged/);
  });
});
