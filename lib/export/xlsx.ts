import { PassThrough, Readable } from "node:stream";
import ExcelJS from "exceljs";

export type CellValue = string | number | Date | null;

export type SheetSpec = {
  name: string;
  /** `date`: the column's Date values are real Excel dates, shown as `yyyy-mm-dd hh:mm`. */
  columns: { header: string; width?: number; date?: boolean }[];
  /** Read one row at a time; an async source (a database cursor) is read as the file is written. */
  rows: Iterable<readonly CellValue[]> | AsyncIterable<readonly CellValue[]>;
  /** An auto-filter on the header row. */
  autoFilter?: boolean;
};

const DATE_FORMAT = "yyyy-mm-dd hh:mm";

/** A1-style name of a 1-based column number. */
function columnLetter(n: number): string {
  let out = "";
  for (; n > 0; n = Math.floor((n - 1) / 26)) out = String.fromCharCode(65 + ((n - 1) % 26)) + out;
  return out;
}

/**
 * A cell Excel (or a spreadsheet it is pasted into) could read as a formula starts with = + - @,
 * or with a tab or carriage return before one: such text gets a leading apostrophe, so it stays
 * text wherever it ends up (OWASP's advice for CSV injection, kept for .xlsx too).
 */
export function neutralise(value: CellValue): CellValue {
  return typeof value === "string" && /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** Waits for the reader; a reader who went away ends the writing (and frees a cursor behind it). */
async function drained(stream: PassThrough): Promise<void> {
  await new Promise<void>((resolve) => {
    const done = () => {
      stream.off("drain", done);
      stream.off("close", done);
      resolve();
    };
    stream.on("drain", done);
    stream.on("close", done);
  });
  if (stream.destroyed) throw new Error("The download was cancelled.");
}

async function write(sheets: readonly SheetSpec[], stream: PassThrough): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream,
    useStyles: true,
    useSharedStrings: false,
  });
  for (const spec of sheets) {
    const sheet = workbook.addWorksheet(spec.name.slice(0, 31), {
      views: [{ state: "frozen", ySplit: 1 }],
      ...(spec.autoFilter
        ? { autoFilter: `A1:${columnLetter(Math.max(spec.columns.length, 1))}1` }
        : {}),
    });
    sheet.columns = spec.columns.map((column) => ({
      header: column.header,
      width: column.width ?? 16,
    }));
    sheet.getRow(1).font = { bold: true };
    sheet.getRow(1).commit();
    const dateColumns = spec.columns.flatMap((c, i) => (c.date ? [i + 1] : []));
    let written = 0;
    for await (const values of spec.rows) {
      const row = sheet.addRow(values.map(neutralise));
      for (const i of dateColumns)
        if (values[i - 1] instanceof Date) row.getCell(i).numFmt = DATE_FORMAT;
      row.commit();
      // Honour the reader's pace: a slow download must not pile the whole file up in memory.
      if (++written % 500 === 0 && stream.writableNeedDrain) await drained(stream);
    }
    sheet.commit();
  }
  await workbook.commit();
}

/** A workbook streamed as it is written: one row at a time, never the whole file in memory. */
export function workbookStream(sheets: readonly SheetSpec[]): ReadableStream<Uint8Array> {
  const out = new PassThrough();
  write(sheets, out).catch((error: unknown) => out.destroy(error as Error));
  return Readable.toWeb(out) as ReadableStream<Uint8Array>;
}

/** The same workbook as bytes (small sheets handed over in one piece). */
export async function workbookBuffer(sheets: readonly SheetSpec[]): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on("data", (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<void>((resolve, reject) => {
    out.on("end", resolve);
    out.on("error", reject);
  });
  await write(sheets, out);
  await ended;
  return Buffer.concat(chunks);
}

export const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/** Content-Disposition for a download, with a UTF-8 name for browsers that read one. */
export function attachment(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}
