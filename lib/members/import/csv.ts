import { ImportError } from "./errors";

export type CsvRecord = { line: number; cells: string[] };

const QUOTE = 34; // "
const CR = 13;
const LF = 10;

/**
 * RFC 4180 records: fields separated by `delimiter`, quoted fields may hold the delimiter, doubled
 * quotes and line breaks; CRLF, LF or a lone CR end a record; a final line break is optional.
 * Lenient where Excel is: a quote inside an unquoted field is kept as it is, and text after a
 * closing quote is appended to the field. `line` is the record's position counting every record,
 * blank ones included (the row number a spreadsheet shows). `onRecord` may throw to stop early.
 */
export function parseCsv(
  text: string,
  onRecord: (record: CsvRecord) => void,
  delimiter: string = detectDelimiter(text),
): void {
  const sep = delimiter.charCodeAt(0);
  const length = text.length;
  let record = 0;
  let i = 0;
  while (i < length) {
    record += 1;
    const cells: string[] = [];
    let recordEnded = false;
    while (!recordEnded) {
      let value: string;
      if (text.charCodeAt(i) === QUOTE) {
        // Quoted field: read until a quote that is not doubled.
        const startLine = record;
        let parts = "";
        let from = i + 1;
        for (;;) {
          const close = text.indexOf('"', from);
          if (close < 0) {
            throw new ImportError(
              `A quoted value that starts in row ${startLine} is never closed. Check that every opening quote (") in that row has a closing quote, or save the file again from Excel.`,
            );
          }
          if (text.charCodeAt(close + 1) === QUOTE) {
            parts += text.slice(from, close + 1);
            from = close + 2;
            continue;
          }
          parts += text.slice(from, close);
          i = close + 1;
          break;
        }
        // Anything between the closing quote and the delimiter is kept (`"a"b` -> `ab`).
        let j = i;
        while (j < length) {
          const c = text.charCodeAt(j);
          if (c === sep || c === LF || c === CR) break;
          j += 1;
        }
        value = j > i ? parts + text.slice(i, j) : parts;
        i = j;
      } else {
        let j = i;
        while (j < length) {
          const c = text.charCodeAt(j);
          if (c === sep || c === LF || c === CR) break;
          j += 1;
        }
        value = text.slice(i, j);
        i = j;
      }
      cells.push(value);
      if (i >= length) {
        recordEnded = true;
      } else {
        const c = text.charCodeAt(i);
        if (c === sep) {
          i += 1;
          // A delimiter at the very end of the text still opens one last, empty field.
          if (i >= length) {
            cells.push("");
            recordEnded = true;
          }
        } else {
          i += c === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
          recordEnded = true;
        }
      }
    }
    onRecord({ line: record, cells });
  }
}

/** Comma, unless the first line has none and has tabs or semicolons (Excel's other exports). */
export function detectDelimiter(text: string): string {
  const end = text.search(/[\r\n]/);
  const first = end < 0 ? text : text.slice(0, end);
  if (first.includes(",")) return ",";
  if (first.includes("\t")) return "\t";
  if (first.includes(";")) return ";";
  return ",";
}
