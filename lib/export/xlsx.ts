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
  /** Called once the writing ends, however it ends: frees what `rows` holds (a cursor). */
  release?: () => Promise<void>;
};

/** The sheets, or the sheets to come: the workbook's first parts are written while they are made. */
export type Sheets = readonly SheetSpec[] | Promise<readonly SheetSpec[]>;

const DATE_FORMAT = "yyyy-mm-dd hh:mm";
const DATE: Partial<ExcelJS.Style> = Object.freeze({ numFmt: DATE_FORMAT });
const PLAIN: Partial<ExcelJS.Style> = Object.freeze({});

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

async function write(sheets: Sheets, stream: PassThrough): Promise<void> {
  // The writer puts the workbook's theme and relations into the zip at once: the download starts.
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream,
    useStyles: true,
    useSharedStrings: false,
  });
  let specs: readonly SheetSpec[] = [];
  try {
    specs = await sheets;
    await writeSheets(workbook, specs, stream);
    await workbook.commit();
  } finally {
    for (const spec of specs) await spec.release?.();
  }
}

async function writeSheets(
  workbook: ExcelJS.stream.xlsx.WorkbookWriter,
  sheets: readonly SheetSpec[],
  stream: PassThrough,
): Promise<void> {
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
    const dateColumn = spec.columns.map((c) => !!c.date);
    let written = 0;
    for await (const values of spec.rows) {
      const row = sheet.addRow(values.map(neutralise));
      // Shared style objects: exceljs renders a style once per object it has not seen, and a cell's
      // own fresh style would be rendered for every cell (half the writing time at 100,000 rows).
      // (The row's own style is rendered too; exceljs's typings leave it out.)
      (row as unknown as { style: Partial<ExcelJS.Style> }).style = PLAIN;
      for (let i = 0; i < values.length; i++)
        row.getCell(i + 1).style = dateColumn[i] && values[i] instanceof Date ? DATE : PLAIN;
      row.commit();
      // Honour the reader's pace: a slow download must not pile the whole file up in memory.
      if (++written % 500 === 0 && stream.writableNeedDrain) await drained(stream);
    }
    sheet.commit();
  }
}

/** A workbook streamed as it is written: one row at a time, never the whole file in memory. */
export function workbookStream(sheets: Sheets): ReadableStream<Uint8Array> {
  const out = new PassThrough();
  write(sheets, out).catch((error: unknown) => out.destroy(error as Error));
  return Readable.toWeb(out) as ReadableStream<Uint8Array>;
}

/** The same workbook as bytes (small sheets handed over in one piece). */
export async function workbookBuffer(sheets: Sheets): Promise<Buffer> {
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
