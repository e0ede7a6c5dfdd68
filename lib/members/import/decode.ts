import { ImportError, NOT_A_SPREADSHEET } from "./errors";

export type CsvEncoding =
  "utf-8" | "utf-8-bom" | "utf-16le" | "utf-16be" | "shift_jis" | "windows-1252";

/** How the preview names the encoding a CSV was read in. */
export const ENCODING_LABEL: Record<CsvEncoding, string> = {
  "utf-8": "UTF-8",
  "utf-8-bom": "UTF-8",
  "utf-16le": "UTF-16",
  "utf-16be": "UTF-16",
  shift_jis: "Japanese (Shift_JIS)",
  "windows-1252": "Western European (Windows-1252)",
};

/** Encodings chosen by looking at the bytes, not declared by a byte order mark or valid UTF-8. */
export const GUESSED_ENCODINGS: readonly CsvEncoding[] = ["shift_jis", "windows-1252"];

// C0 controls other than tab, LF and CR, DEL and the C1 range: text files hardly ever hold them.
const CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]/g;
const REPLACEMENT = /\uFFFD/g;
// Above this share of unreadable characters the "text" is binary data, not a CSV with a typo; a
// few stray ones in a short file are a typo too.
const MAX_BAD_SHARE = 0.02;
const MIN_BAD_COUNT = 8;

/**
 * The text of a CSV upload: UTF-8 (with or without a byte-order mark) when the bytes are valid
 * UTF-8; UTF-16 with its byte-order mark (Excel's "Unicode text"); otherwise Shift_JIS as Japanese
 * Excel writes it (the WHATWG decoder is CP932/Windows-31J), unless the bytes read better as
 * Windows-1252 (Latin-1: a Western European Excel's "CSV"). Throws ImportError for binary data.
 */
export function decodeCsvBytes(bytes: Uint8Array): { text: string; encoding: CsvEncoding } {
  const utf16 = utf16ByMark(bytes);
  if (utf16) return utf16;
  // A NUL never occurs in UTF-8, Shift_JIS or Latin-1 text; UTF-16 without its mark and binary
  // files are full of them.
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
      encoding = readsAsLatin1(bytes) ? "windows-1252" : "shift_jis";
      text = new TextDecoder(encoding).decode(bytes);
    }
  }
  if (looksBinary(text)) throw new ImportError(NOT_A_SPREADSHEET);
  return { text, encoding };
}

function utf16ByMark(bytes: Uint8Array): { text: string; encoding: CsvEncoding } | null {
  if (bytes.length < 2) return null;
  const encoding: CsvEncoding | null =
    bytes[0] === 0xff && bytes[1] === 0xfe
      ? "utf-16le"
      : bytes[0] === 0xfe && bytes[1] === 0xff
        ? "utf-16be"
        : null;
  if (encoding === null) return null;
  let text: string;
  try {
    // An odd length or a lone surrogate: not UTF-16 text after all.
    text = new TextDecoder(encoding, { fatal: true, ignoreBOM: true }).decode(bytes.subarray(2));
  } catch {
    throw new ImportError(NOT_A_SPREADSHEET);
  }
  // A NUL character in decoded text is binary data, as it is for the 8-bit encodings.
  if (text.includes("\u0000") || looksBinary(text)) throw new ImportError(NOT_A_SPREADSHEET);
  return { text, encoding };
}

/**
 * Bytes that are not UTF-8: Shift_JIS or Latin-1? Not valid Shift_JIS at all means Latin-1. Valid
 * either way (é then a letter is a Shift_JIS kanji), count what each reading makes of them: in
 * Japanese text the lead bytes are mostly 0x81-0x9F (kana, punctuation, the common kanji) or
 * runs of half-width katakana; in Latin-1 text they are accented lower-case letters, 0xE0-0xFF,
 * which Shift_JIS reads as rare kanji and user-defined characters, and capitals between ASCII
 * letters. A Japanese file of nothing but rare kanji would read as Latin-1; the preview shows every name as it was read.
 */
function readsAsLatin1(bytes: Uint8Array): boolean {
  try {
    new TextDecoder("shift_jis", { fatal: true }).decode(bytes);
  } catch {
    return true;
  }
  let japanese = 0;
  let latin = 0;
  for (let i = 0; i < bytes.length; i += 1) {
    const b = bytes[i]!;
    if (b < 0x80 || b === 0x80 || b === 0xa0) continue; // one byte, either way
    if (b >= 0xfd)
      latin += 1; // ý þ ÿ; one byte in CP932 too
    else if (b >= 0xa1 && b <= 0xdf) {
      // Half-width katakana come in words; a lone one between ASCII is a Latin-1 capital or sign.
      if (isHalfWidthKana(bytes[i - 1]) || isHalfWidthKana(bytes[i + 1])) japanese += 1;
      else latin += 1;
    } else {
      if (b >= 0xe0) latin += 1;
      else japanese += 1;
      i += 1; // the trail byte of a two-byte character
    }
  }
  return latin > japanese;
}

const isHalfWidthKana = (b: number | undefined) => b !== undefined && b >= 0xa1 && b <= 0xdf;

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
