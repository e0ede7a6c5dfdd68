import { hasControlCharacters, stripControlCharacters } from "@/lib/input/control";
import { read, utils, type CellObject, type WorkSheet } from "xlsx";
import { parseCsv } from "./csv";
import { decodeCsvBytes } from "./decode";
import { ImportError } from "./errors";
import { DEFAULT_ZIP_LIMITS, inspectZip, type ZipLimits } from "./zip";

export type UploadFormat = "csv" | "xlsx" | "xls";

export type UploadLimits = {
  maxBytes: number;
  /** Data rows, the header not counted. */
  maxRows: number;
  zip?: ZipLimits;
};

export type ParsedUpload = {
  headers: string[];
  /**
   * Data rows: cells trimmed, trailing empty cells and fully empty rows dropped, so a row may be
   * shorter than the header.
   */
  rows: string[][];
  /**
   * For each row, its 1-based row number in the file counting the header and blank rows -- the
   * number Excel shows beside it (for CSV, a record with a line break inside quotes is one row).
   */
  lines: number[];
  /** Rows (numbered like `lines`) from which invisible control characters were removed. */
  cleanedLines: number[];
  format: UploadFormat;
  encoding?: string;
};

export const DEFAULT_UPLOAD_LIMITS: UploadLimits = { maxBytes: 10 * 1024 * 1024, maxRows: 100_000 };

/** Columns read from a worksheet; a member list needs a handful, the rest are ignored. */
export const MAX_COLUMNS = 256;

const EMPTY =
  "The file is empty. Add a header row (login_id,name,email) and one row per member, then upload it again.";
const UNREADABLE_WORKBOOK =
  "This Excel file could not be read. Open it in Excel, save it again as .xlsx (or as CSV UTF-8) and upload it again.";
const PROTECTED_WORKBOOK =
  "This Excel file is password-protected. Remove the password in Excel (or save it as CSV UTF-8) and upload it again.";
const NO_SHEET =
  "This Excel file has no worksheet. Put the member list on the first sheet and upload it again.";

/** Reads an uploaded member list into a header row and trimmed data rows. */
export function parseUpload(
  file: { name: string; bytes: Uint8Array },
  limits: UploadLimits = DEFAULT_UPLOAD_LIMITS,
): ParsedUpload {
  const { bytes } = file;
  if (bytes.byteLength > limits.maxBytes) {
    throw new ImportError(
      `The file is ${formatSize(bytes.byteLength)}, over the limit of ${formatSize(limits.maxBytes)}. Split it into smaller files and upload them one by one.`,
    );
  }
  if (bytes.byteLength === 0) throw new ImportError(EMPTY);
  const format = detectFormat(bytes);
  const collector = new RowCollector(limits.maxRows);
  let encoding: string | undefined;
  if (format === "csv") {
    const decoded = decodeCsvBytes(bytes);
    encoding = decoded.encoding;
    parseCsv(decoded.text, ({ line, cells }) => collector.add(line, cells));
  } else {
    if (format === "xlsx") inspectZipSafely(bytes, limits.zip ?? DEFAULT_ZIP_LIMITS);
    readWorkbook(bytes, limits.maxRows, collector);
  }
  const result = collector.finish();
  return encoding === undefined ? { ...result, format } : { ...result, format, encoding };
}

/** By content, not by name: a renamed file is read for what it is. */
export function detectFormat(bytes: Uint8Array): UploadFormat {
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) return "xlsx";
  if (startsWith(bytes, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return "xls";
  return "csv";
}

class RowCollector {
  headers: string[] | null = null;
  readonly rows: string[][] = [];
  readonly lines: number[] = [];
  readonly cleanedLines: number[] = [];
  constructor(readonly maxRows: number) {}

  add(line: number, raw: readonly unknown[]): void {
    const cells = new Array<string>(raw.length);
    let empty = true;
    let cleaned = false;
    for (let i = 0; i < raw.length; i += 1) {
      const value = raw[i];
      let cell = value === undefined || value === null ? "" : String(value);
      // The input boundary for files: NUL and the like never reach a check, a page or the database.
      if (hasControlCharacters(cell)) {
        cell = stripControlCharacters(cell);
        cleaned = true;
      }
      cell = cell.trim();
      if (cell !== "") empty = false;
      cells[i] = cell;
    }
    if (empty) return;
    // Trailing empty cells carry nothing; dropping them keeps wide sheets small in memory.
    let length = cells.length;
    while (length > 0 && cells[length - 1] === "") length -= 1;
    cells.length = length;
    if (this.headers === null) {
      this.headers = cells;
      return;
    }
    if (this.rows.length >= this.maxRows) throw tooManyRows(this.maxRows);
    this.rows.push(cells);
    this.lines.push(line);
    if (cleaned) this.cleanedLines.push(line);
  }

  finish(): Pick<ParsedUpload, "headers" | "rows" | "lines" | "cleanedLines"> {
    if (this.headers === null) throw new ImportError(EMPTY);
    return {
      headers: this.headers,
      rows: this.rows,
      lines: this.lines,
      cleanedLines: this.cleanedLines,
    };
  }
}

function tooManyRows(maxRows: number): ImportError {
  return new ImportError(
    `The file has more than ${maxRows.toLocaleString("en-US")} member rows, the most one upload can hold. Split it into files of at most ${maxRows.toLocaleString("en-US")} rows and upload them one by one.`,
  );
}

function inspectZipSafely(bytes: Uint8Array, limits: ZipLimits): void {
  try {
    inspectZip(bytes, limits);
  } catch (error) {
    if (error instanceof ImportError) throw error;
    // A DataView read past the end: the directory points outside the file.
    throw new ImportError(UNREADABLE_WORKBOOK);
  }
}

function readWorkbook(bytes: Uint8Array, maxRows: number, collector: RowCollector): void {
  // Header plus maxRows plus one, so that one row too many is seen and refused.
  const sheetRows = maxRows + 2;
  let sheet: WorkSheet | undefined;
  try {
    const workbook = read(bytes, {
      type: "array",
      cellFormula: false,
      cellHTML: false,
      cellStyles: false,
      bookVBA: false,
      dense: true,
      sheetRows,
    });
    const first = workbook.SheetNames[0];
    sheet = first === undefined ? undefined : workbook.Sheets[first];
  } catch (error) {
    const message = error instanceof Error ? error.message : "";
    throw new ImportError(
      /password|encrypt/i.test(message) ? PROTECTED_WORKBOOK : UNREADABLE_WORKBOOK,
    );
  }
  if (sheet === undefined) throw new ImportError(NO_SHEET);
  if (!sheet["!ref"]) throw new ImportError(EMPTY);
  const range = utils.decode_range(sheet["!ref"]);
  // A stray cell in column XFD must not make every row 16,384 cells long.
  const lastColumn = Math.min(range.e.c, range.s.c + MAX_COLUMNS - 1);
  const dense = sheet["!data"];
  for (let r = range.s.r; r <= range.e.r; r += 1) {
    const row = dense ? dense[r] : undefined;
    if (dense && !row) continue; // a blank row; the collector would drop it anyway
    const cells: string[] = [];
    for (let c = range.s.c; c <= lastColumn; c += 1) {
      const cell = row ? row[c] : (sheet[utils.encode_cell({ r, c })] as CellObject | undefined);
      cells.push(cell ? cellText(cell) : "");
    }
    collector.add(r + 1, cells);
  }
  // sheetRows cut the sheet short: there were more rows than were read. Blank rows count here,
  // because what lies past the cut was never read; refusing is safer than dropping members.
  const full = sheet["!fullref"];
  if (full && utils.decode_range(full).e.r + 1 > sheetRows) throw tooManyRows(maxRows);
}

/** The text Excel shows (w); a formula cell carries only its cached value, never the formula. */
function cellText(cell: CellObject): string {
  if (typeof cell.w === "string") return cell.w;
  if (cell.v === undefined || cell.v === null) return "";
  return utils.format_cell(cell);
}

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return bytes.byteLength >= prefix.length && prefix.every((b, i) => bytes[i] === b);
}

function formatSize(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.ceil(bytes / 1024)} KB`;
  const mb = bytes / (1024 * 1024);
  return `${mb >= 10 ? Math.round(mb) : Math.round(mb * 10) / 10} MB`;
}
