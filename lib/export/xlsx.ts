import { PassThrough, Writable } from "node:stream";
import type ExcelJS from "exceljs";

export type CellValue = string | number | Date | null;

type Row = readonly CellValue[];

type SheetBase = {
  name: string;
  /**
   * `date`: the column's dates are real Excel dates, shown as `yyyy-mm-dd hh:mm`: its Date values,
   * and its numbers, which are Excel's day numbers already (`excelDate`).
   */
  columns: { header: string; width?: number; date?: boolean }[];
  /** An auto-filter on the header row. */
  autoFilter?: boolean;
  /**
   * Written after every other sheet (its rows may wait for what reading theirs works out), though
   * it keeps its place in the workbook: a summary whose counts come while the rows are written.
   */
  writtenLast?: boolean;
  /** Called once the writing ends, however it ends: frees what `rows` holds (a cursor). */
  release?: () => Promise<void>;
};

export type SheetSpec = SheetBase & {
  /** Read one row at a time; an async source (a database cursor) is read as the file is written. */
  rows: Iterable<Row> | AsyncIterable<Row>;
};

/** A sheet whose rows come a batch at a time (a cursor's batches): one wait per batch, not per row. */
export type BatchedSheetSpec = SheetBase & { batches: AsyncIterable<readonly Row[]> };

type AnySheet = SheetSpec | BatchedSheetSpec;

/**
 * Excel's day number of a wall-clock time given as milliseconds since 1970 read as UTC: the number
 * exceljs writes for `new Date(ms)`, without making the Date.
 */
export const excelDate = (ms: number): number => 25569 + ms / (24 * 3600 * 1000);

/** The sheets, or the sheets to come: the workbook's first parts are written while they are made. */
export type Sheets = readonly AnySheet[] | Promise<readonly AnySheet[]>;

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

/** Until `event` on `on`, or `stream` (the download) closes: a reader who went away ends the writing. */
async function until(on: NodeJS.EventEmitter, event: string, stream: Writable): Promise<void> {
  cancelled(stream);
  await new Promise<void>((resolve) => {
    const done = () => {
      on.off(event, done);
      stream.off("close", done);
      resolve();
    };
    on.on(event, done);
    stream.on("close", done);
  });
  cancelled(stream);
}

/** Ends the writing once the download is gone (its 'close' has been and will not come again). */
function cancelled(stream: Writable): void {
  if (stream.destroyed) throw new Error("The download was cancelled.");
}

/** Waits for the reader; a reader who went away ends the writing (and frees a cursor behind it). */
const drained = (stream: Writable) => until(stream, "drain", stream);

/** One turn of the event loop: the zip's compression, done off the main thread, gets its next part. */
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Uncompressed bytes of a sheet that may wait for the compression before the writing waits too. */
const ZIP_BACKLOG = 1024 * 1024;

type Backlogged = NodeJS.EventEmitter & {
  _writableState?: { length: number; needDrain: boolean };
  _readableState?: { length: number };
};

/**
 * Where a sheet's XML waits to be compressed, and how much of it: exceljs 4.4 hands its worksheet
 * stream to archiver, which pipes it through a PassThrough into the deflater and writes to that
 * PassThrough without heeding its answer, so XML made faster than it is compressed piles up there
 * (10 MB and more at 100,000 rows). Nothing when the libraries are not built that way.
 */
function zipInput(sheet: ExcelJS.Worksheet): { input: Backlogged; bytes: number } | null {
  const input = (sheet as unknown as { stream?: { pipes?: Backlogged[] } }).stream?.pipes?.[0];
  if (!input?._writableState || typeof input.once !== "function") return null;
  return {
    input,
    bytes: input._writableState.length + (input._readableState?.length ?? 0),
  };
}

async function write(sheets: Sheets, stream: Writable): Promise<void> {
  // Sheets that cannot be made fail the writing below, not the process while exceljs loads.
  const given = Promise.resolve(sheets);
  given.catch(() => {});
  // exceljs is loaded when a workbook is first written, not by every page whose module imports this
  // one (the members page did, for its actions: about 0.4 s of CPU on its first request).
  const { default: excel } = await import("exceljs");
  // The writer puts the workbook's theme and relations into the zip at once: the download starts.
  const workbook = new excel.stream.xlsx.WorkbookWriter({
    stream,
    useStyles: true,
    useSharedStrings: false,
  });
  try {
    await unlessClosed(
      stream,
      (async () => {
        await writeSheets(workbook, await given, stream);
        await workbook.commit();
      })(),
    );
  } finally {
    // Sheets that come after the reader went away are freed when they come.
    await given.then(
      async (all) => {
        for (const spec of all) await spec.release?.();
      },
      () => {},
    );
  }
}

/**
 * `work`, or its end once `stream` closes before it finished (the reader went away): exceljs's
 * commit waits for the zip to be written out and would wait for ever, holding what `release` frees
 * (a download's two connections and its place). The check between rows (`paced`) sees it sooner.
 */
async function unlessClosed(stream: Writable, work: Promise<void>): Promise<void> {
  work.catch(() => {});
  let onClose = () => {};
  const closed = new Promise<never>((_, reject) => {
    onClose = () => {
      if (!stream.writableFinished) reject(new Error("The download was cancelled."));
    };
    if (stream.destroyed) onClose();
    else stream.once("close", onClose);
  });
  closed.catch(() => {});
  try {
    await Promise.race([work, closed]);
  } finally {
    stream.off("close", onClose);
  }
}

/** The sheet's rows a batch at a time, however they are given. */
async function* batchesOf(spec: AnySheet): AsyncGenerator<readonly Row[]> {
  if ("batches" in spec) return yield* spec.batches;
  if (!(Symbol.iterator in spec.rows)) {
    for await (const row of spec.rows) yield [row];
    return;
  }
  let batch: Row[] = [];
  for (const row of spec.rows) {
    batch.push(row);
    if (batch.length === 500) {
      yield batch;
      batch = [];
    }
  }
  yield batch;
}

/** Rows written between two turns of the event loop (a few milliseconds' work). */
const ROWS_PER_TURN = 100;

/**
 * Keeps the writing in step with the compression and the reader: the compression gets a turn of the
 * event loop every ROWS_PER_TURN rows (a batch written in one go would starve it and leave it all
 * for the end), the sheet's XML waiting to be compressed stays under ZIP_BACKLOG, and the bytes
 * waiting for a slow reader under the download's buffer: never the whole file in memory.
 */
async function paced(sheet: ExcelJS.Worksheet, stream: Writable): Promise<void> {
  cancelled(stream);
  if (stream.writableNeedDrain) await drained(stream);
  else await turn();
  for (let zip = zipInput(sheet); zip && zip.bytes > ZIP_BACKLOG; zip = zipInput(sheet)) {
    // 'drain' comes once a write was refused and the buffer is empty again.
    if (zip.input._writableState?.needDrain) await until(zip.input, "drain", stream);
    else await turn();
  }
}

type Placed = { spec: AnySheet; sheet: ExcelJS.Worksheet };

/**
 * The sheets in the order they are written, each added to the workbook as its turn comes (exceljs
 * starts a sheet's part of the zip when the sheet is added, and the zip takes its parts one after
 * the other), then shown in the order given: exceljs 4.4 lists a workbook's sheets in the order of
 * its `_worksheets` (from index 1), read when the workbook is committed.
 */
async function* placedInTurn(
  workbook: ExcelJS.stream.xlsx.WorkbookWriter,
  sheets: readonly AnySheet[],
): AsyncGenerator<Placed> {
  const listed = workbook as unknown as { _worksheets?: (ExcelJS.Worksheet | undefined)[] };
  const last = sheets.filter((s) => s.writtenLast);
  // A sheet written last waits for the others' reading: shown out of turn, or not at all.
  if (last.length > 0 && !(Array.isArray(listed._worksheets) && listed._worksheets.length === 0))
    throw new Error(
      "exceljs no longer keeps a workbook's sheets in _worksheets: lib/export/xlsx.ts cannot write a sheet last and show it first.",
    );
  const added = new Map<AnySheet, ExcelJS.Worksheet>();
  for (const spec of [...sheets.filter((s) => !s.writtenLast), ...last]) {
    const sheet = workbook.addWorksheet(spec.name.slice(0, 31), {
      views: [{ state: "frozen", ySplit: 1 }],
      ...(spec.autoFilter
        ? { autoFilter: `A1:${columnLetter(Math.max(spec.columns.length, 1))}1` }
        : {}),
    });
    added.set(spec, sheet);
    yield { spec, sheet };
  }
  if (last.length > 0) {
    const shown: ExcelJS.Worksheet[] = [];
    sheets.forEach((spec, i) => (shown[i + 1] = added.get(spec)!));
    listed._worksheets = shown;
  }
}

async function writeSheets(
  workbook: ExcelJS.stream.xlsx.WorkbookWriter,
  sheets: readonly AnySheet[],
  stream: Writable,
): Promise<void> {
  for await (const { spec, sheet } of placedInTurn(workbook, sheets))
    await writeSheet(sheet, spec, stream);
}

async function writeSheet(
  sheet: ExcelJS.Worksheet,
  spec: AnySheet,
  stream: Writable,
): Promise<void> {
  sheet.columns = spec.columns.map((column) => ({
    header: column.header,
    width: column.width ?? 16,
  }));
  sheet.getRow(1).font = { bold: true };
  sheet.getRow(1).commit();
  const dateColumn = spec.columns.map((c) => !!c.date);
  let written = 0;
  for await (const batch of batchesOf(spec)) {
    for (const values of batch) {
      const row = sheet.addRow(values.map(neutralise));
      // Shared style objects: exceljs renders a style once per object it has not seen, and a
      // cell's own fresh style would be rendered for every cell (half the writing time at
      // 100,000 rows). (The row's own style is rendered too; exceljs's typings leave it out.)
      (row as unknown as { style: Partial<ExcelJS.Style> }).style = PLAIN;
      for (let i = 0; i < values.length; i++) {
        const value = values[i];
        row.getCell(i + 1).style =
          dateColumn[i] && (typeof value === "number" || value instanceof Date) ? DATE : PLAIN;
      }
      row.commit();
      if (++written % ROWS_PER_TURN === 0) await paced(sheet, stream);
    }
  }
  sheet.commit();
}

/** Bytes the download holds for a reader that is behind before the writing waits for it. */
const STREAM_BUFFER = 256 * 1024;

/**
 * A web stream fed by a Node writable, for a Response: the zip's chunks are handed over as they
 * are (no copy into fresh arrays), and the writable is full, so the writing waits, once
 * STREAM_BUFFER bytes (not chunks) wait for the reader. A reader who cancels destroys the writable.
 */
function webStream(): { sink: Writable; body: ReadableStream<Uint8Array> } {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  // The write waiting for the reader to want more.
  let waiting: (() => void) | null = null;
  const resume = () => {
    const done = waiting;
    waiting = null;
    done?.();
  };
  const body = new ReadableStream<Uint8Array>(
    {
      start: (c) => {
        controller = c;
      },
      pull: resume,
      cancel: () => {
        waiting = null;
        sink.destroy();
      },
    },
    { highWaterMark: STREAM_BUFFER, size: (chunk) => chunk.byteLength },
  );
  const sink = new Writable({
    highWaterMark: STREAM_BUFFER,
    write(chunk: Buffer, _encoding, done) {
      controller.enqueue(chunk);
      if ((controller.desiredSize ?? 0) > 0) done();
      else waiting = () => done();
    },
    final(done) {
      controller.close();
      done();
    },
    destroy(error, done) {
      waiting = null;
      if (error) controller.error(error);
      done(error);
    },
  });
  return { sink, body };
}

/** A workbook streamed as it is written: one row at a time, never the whole file in memory. */
export function workbookStream(sheets: Sheets): ReadableStream<Uint8Array> {
  const { sink, body } = webStream();
  write(sheets, sink).catch((error: unknown) => sink.destroy(error as Error));
  return body;
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
