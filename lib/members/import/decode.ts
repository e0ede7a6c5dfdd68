import { ImportError, NOT_A_SPREADSHEET } from "./errors";

export type CsvEncoding = "utf-8" | "utf-8-bom" | "shift_jis";

// C0 controls other than tab, LF and CR, DEL and the C1 range: text files hardly ever hold them.
const CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]/g;
const REPLACEMENT = /\uFFFD/g;
// Above this share of unreadable characters the "text" is binary data, not a CSV with a typo; a
// few stray ones in a short file are a typo too.
const MAX_BAD_SHARE = 0.02;
const MIN_BAD_COUNT = 8;

/**
 * The text of a CSV upload: UTF-8 (with or without a byte-order mark) when the bytes are valid
 * UTF-8, otherwise Shift_JIS as Japanese Excel writes it (the WHATWG decoder is CP932/Windows-31J).
 * Throws ImportError for binary data.
 */
export function decodeCsvBytes(bytes: Uint8Array): { text: string; encoding: CsvEncoding } {
  // A NUL never occurs in UTF-8 or Shift_JIS text; UTF-16 and binary files are full of them.
  if (bytes.includes(0)) throw new ImportError(NOT_A_SPREADSHEET);
  let text: string;
  let encoding: CsvEncoding;
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    // The mark says UTF-8; a stray bad byte afterwards becomes U+FFFD and is counted below.
    text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes.subarray(3));
    encoding = "utf-8-bom";
  } else {
    try {
      text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
      encoding = "utf-8";
    } catch {
      text = new TextDecoder("shift_jis").decode(bytes);
      encoding = "shift_jis";
    }
  }
  if (looksBinary(text)) throw new ImportError(NOT_A_SPREADSHEET);
  return { text, encoding };
}

function looksBinary(text: string): boolean {
  if (text.length === 0) return false;
  const bad = countMatches(text, CONTROL) + countMatches(text, REPLACEMENT);
  return bad >= MIN_BAD_COUNT && bad / text.length > MAX_BAD_SHARE;
}

function countMatches(text: string, pattern: RegExp): number {
  pattern.lastIndex = 0;
  let count = 0;
  while (pattern.exec(text) !== null) count += 1;
  return count;
}
