import { inflateRawSync } from "node:zlib";
import { ImportError } from "./errors";

export type ZipLimits = {
  /** Refuse when the entries would expand to more than this many bytes in total. */
  maxUncompressedBytes: number;
  /** Refuse when the entries expand to more than this multiple of the file's size... */
  maxRatio: number;
  /** ...once they are larger than this (tiny workbooks have odd ratios and are harmless). */
  ratioFloorBytes: number;
  maxEntries: number;
};

export const DEFAULT_ZIP_LIMITS: ZipLimits = {
  maxUncompressedBytes: 100 * 1024 * 1024,
  maxRatio: 200,
  ratioFloorBytes: 1024 * 1024,
  maxEntries: 10_000,
};

export type ZipSummary = { entries: number; uncompressedBytes: number; compressedBytes: number };

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL_HEADER = 0x02014b50;
const MAX_COMMENT = 0xffff;

const BROKEN =
  "This Excel file is damaged and cannot be read. Open it in Excel, save it again as .xlsx (or as CSV UTF-8) and upload it again.";
const TOO_BIG =
  "This Excel file expands to far more data than a member list needs, so it was not opened. Save the member list on its own as .xlsx or CSV (UTF-8) and upload it again.";

/**
 * Reads a ZIP's central directory (an .xlsx is a ZIP) and refuses archives that would expand to an
 * absurd size -- a zip bomb -- before the workbook parser sees them. The directory's sizes are only
 * claims, and SheetJS inflates each entry to its real end whatever they say, so every compressed
 * entry is then inflated here with its declared size as a hard cap: a directory that lies is
 * refused too, and no more than the declared total is ever produced.
 */
export function inspectZip(bytes: Uint8Array, limits: ZipLimits = DEFAULT_ZIP_LIMITS): ZipSummary {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const eocd = findEocd(view);
  if (eocd < 0) throw new ImportError(BROKEN);
  let entries: number = view.getUint16(eocd + 10, true);
  let cdSize: number = view.getUint32(eocd + 12, true);
  let cdOffset: number = view.getUint32(eocd + 16, true);
  if (entries === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    const locator = eocd - 20;
    if (locator < 0 || view.getUint32(locator, true) !== ZIP64_LOCATOR) {
      throw new ImportError(BROKEN);
    }
    const record = safeNumber(view.getBigUint64(locator + 8, true));
    if (record + 56 > view.byteLength || view.getUint32(record, true) !== ZIP64_EOCD) {
      throw new ImportError(BROKEN);
    }
    entries = safeNumber(view.getBigUint64(record + 32, true));
    cdSize = safeNumber(view.getBigUint64(record + 40, true));
    cdOffset = safeNumber(view.getBigUint64(record + 48, true));
  }
  if (entries > limits.maxEntries) throw new ImportError(TOO_BIG);
  if (cdOffset + cdSize > view.byteLength) throw new ImportError(BROKEN);

  let position = cdOffset;
  let uncompressed = 0;
  let compressed = 0;
  const found: Entry[] = [];
  for (let i = 0; i < entries; i += 1) {
    if (position + 46 > cdOffset + cdSize || view.getUint32(position, true) !== CENTRAL_HEADER) {
      throw new ImportError(BROKEN);
    }
    const method = view.getUint16(position + 10, true);
    let entryCompressed: number = view.getUint32(position + 20, true);
    let entryUncompressed: number = view.getUint32(position + 24, true);
    const nameLength = view.getUint16(position + 28, true);
    const extraLength = view.getUint16(position + 30, true);
    const commentLength = view.getUint16(position + 32, true);
    let localOffset: number = view.getUint32(position + 42, true);
    const extraStart = position + 46 + nameLength;
    if (
      entryUncompressed === 0xffffffff ||
      entryCompressed === 0xffffffff ||
      localOffset === 0xffffffff
    ) {
      const sizes = zip64Sizes(view, extraStart, extraLength, {
        uncompressed: entryUncompressed === 0xffffffff,
        compressed: entryCompressed === 0xffffffff,
        offset: localOffset === 0xffffffff,
      });
      entryUncompressed = sizes.uncompressed ?? entryUncompressed;
      entryCompressed = sizes.compressed ?? entryCompressed;
      localOffset = sizes.offset ?? localOffset;
    }
    found.push({ method, localOffset, uncompressed: entryUncompressed });
    uncompressed += entryUncompressed;
    compressed += entryCompressed;
    if (uncompressed > limits.maxUncompressedBytes) throw new ImportError(TOO_BIG);
    position = extraStart + extraLength + commentLength;
  }
  if (uncompressed > limits.ratioFloorBytes && uncompressed > limits.maxRatio * bytes.byteLength) {
    throw new ImportError(TOO_BIG);
  }
  for (const entry of found) verifyEntry(view, bytes, entry);
  return { entries, uncompressedBytes: uncompressed, compressedBytes: compressed };
}

type Entry = { method: number; localOffset: number; uncompressed: number };

const LOCAL_HEADER = 0x04034b50;
const DEFLATE = 8;

/** Inflates a deflated entry as SheetJS will, but never past the size the directory declared. */
function verifyEntry(view: DataView, bytes: Uint8Array, entry: Entry): void {
  // Stored entries cannot expand; other methods make SheetJS refuse the file anyway.
  if (entry.method !== DEFLATE) return;
  const at = entry.localOffset;
  if (at + 30 > view.byteLength || view.getUint32(at, true) !== LOCAL_HEADER) {
    throw new ImportError(BROKEN);
  }
  const dataStart = at + 30 + view.getUint16(at + 26, true) + view.getUint16(at + 28, true);
  if (dataStart > view.byteLength) throw new ImportError(BROKEN);
  let produced: number;
  try {
    produced = inflateRawSync(bytes.subarray(dataStart), {
      maxOutputLength: Math.max(1, entry.uncompressed),
    }).length;
  } catch (error) {
    const tooLarge = (error as { code?: unknown }).code === "ERR_BUFFER_TOO_LARGE";
    throw new ImportError(tooLarge ? TOO_BIG : BROKEN);
  }
  if (produced > entry.uncompressed) throw new ImportError(TOO_BIG);
}

function findEocd(view: DataView): number {
  const last = view.byteLength - 22;
  const first = Math.max(0, last - MAX_COMMENT);
  for (let at = last; at >= first; at -= 1) {
    if (view.getUint32(at, true) === EOCD) return at;
  }
  return -1;
}

function zip64Sizes(
  view: DataView,
  start: number,
  length: number,
  wanted: { uncompressed: boolean; compressed: boolean; offset: boolean },
): { uncompressed?: number; compressed?: number; offset?: number } {
  const end = Math.min(start + length, view.byteLength);
  for (let at = start; at + 4 <= end;) {
    const id = view.getUint16(at, true);
    const size = view.getUint16(at + 2, true);
    if (id === 0x0001) {
      // The ZIP64 field holds only the values that overflowed, in this order.
      let field = at + 4;
      const result: { uncompressed?: number; compressed?: number; offset?: number } = {};
      if (wanted.uncompressed) {
        if (field + 8 > end) break;
        result.uncompressed = safeNumber(view.getBigUint64(field, true));
        field += 8;
      }
      if (wanted.compressed) {
        if (field + 8 > end) break;
        result.compressed = safeNumber(view.getBigUint64(field, true));
        field += 8;
      }
      if (wanted.offset) {
        if (field + 8 > end) break;
        result.offset = safeNumber(view.getBigUint64(field, true));
      }
      return result;
    }
    at += 4 + size;
  }
  throw new ImportError(BROKEN);
}

function safeNumber(value: bigint): number {
  // Anything past 2^53 is a bomb or garbage either way; saturate and let the limits refuse it.
  return value > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(value);
}
