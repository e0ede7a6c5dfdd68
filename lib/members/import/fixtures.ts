import { deflateRawSync } from "node:zlib";
import { utils, write, type CellObject } from "xlsx";

/** Test fixtures: the bytes of the uploads the parser must handle or refuse. */

export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

export const withBom = (text: string): Uint8Array =>
  concat(Uint8Array.of(0xef, 0xbb, 0xbf), utf8(text));

export const fromHex = (hex: string): Uint8Array => Uint8Array.from(Buffer.from(hex, "hex"));

/**
 * "ログインID,氏名,メールアドレス\r\ntaro01,山田太郎,taro@example.co.jp\r\nhana02,髙橋①花子,\r\n"
 * in CP932 (from `iconv -f UTF-8 -t CP932 | xxd -p`); 髙 and ① exist only in CP932, not in
 * JIS X 0208 Shift_JIS.
 */
export const SHIFT_JIS_CSV = fromHex(
  "838d834f8343839349442c8e8196bc2c8381815b838b83418368838c83580d0a" +
    "7461726f30312c8e52936391be98592c7461726f406578616d706c652e636f2e6a700d0a" +
    "68616e6130322cfbfc8bb4874089d48e712c0d0a",
);

/** "ﾛｸﾞｲﾝID" in half-width katakana, CP932. */
export const SHIFT_JIS_HALF_WIDTH_LOGIN_ID = fromHex("dbb8deb2dd4944");

type Cell = string | number | CellObject;

/** A workbook of one sheet (or more), as bytes, written by SheetJS. */
export function workbook(sheets: Cell[][][], bookType: "xlsx" | "biff8" = "xlsx"): Uint8Array {
  const book = utils.book_new();
  sheets.forEach((rows, index) => {
    const sheet = utils.aoa_to_sheet(rows);
    utils.book_append_sheet(book, sheet, `Sheet${index + 1}`);
  });
  const out = write(book, { type: "array", bookType, compression: true }) as ArrayBuffer;
  return new Uint8Array(out);
}

type ZipEntry = {
  name: string;
  /** The bytes stored in the archive (already deflated when method is 8). */
  data: Uint8Array;
  method: 0 | 8;
  /** What the central directory claims; 0xffffffff with zip64 puts the real claim in the extra field. */
  declaredSize: number;
  zip64Size?: bigint;
};

/** A ZIP archive whose central directory says what the test wants it to say. CRCs are zero. */
export function zipArchive(entries: ZipEntry[]): Uint8Array {
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = utf8(entry.name);
    const local = new DataView(new ArrayBuffer(30));
    local.setUint32(0, 0x04034b50, true);
    local.setUint16(4, 20, true);
    local.setUint16(8, entry.method, true);
    local.setUint32(18, entry.data.byteLength, true);
    local.setUint32(22, Math.min(entry.declaredSize, 0xffffffff), true);
    local.setUint16(26, name.byteLength, true);
    parts.push(new Uint8Array(local.buffer), name, entry.data);

    const extra = new DataView(new ArrayBuffer(entry.zip64Size === undefined ? 0 : 12));
    if (entry.zip64Size !== undefined) {
      extra.setUint16(0, 0x0001, true);
      extra.setUint16(2, 8, true);
      extra.setBigUint64(4, entry.zip64Size, true);
    }
    const header = new DataView(new ArrayBuffer(46));
    header.setUint32(0, 0x02014b50, true);
    header.setUint16(4, 20, true);
    header.setUint16(6, 20, true);
    header.setUint16(10, entry.method, true);
    header.setUint32(20, entry.data.byteLength, true);
    header.setUint32(24, entry.declaredSize, true);
    header.setUint16(28, name.byteLength, true);
    header.setUint16(30, extra.byteLength, true);
    header.setUint32(42, offset, true);
    central.push(new Uint8Array(header.buffer), name, new Uint8Array(extra.buffer));
    offset += 30 + name.byteLength + entry.data.byteLength;
  }
  const directory = concat(...central);
  const end = new DataView(new ArrayBuffer(22));
  end.setUint32(0, 0x06054b50, true);
  end.setUint16(8, entries.length, true);
  end.setUint16(10, entries.length, true);
  end.setUint32(12, directory.byteLength, true);
  end.setUint32(16, offset, true);
  return concat(...parts, directory, new Uint8Array(end.buffer));
}

export const deflated = (data: Uint8Array): Uint8Array => new Uint8Array(deflateRawSync(data));

/** Random bytes with NULs, as a photo or an executable renamed to .csv would be. */
export function binaryGarbage(size: number, seed = 1): Uint8Array {
  const bytes = new Uint8Array(size);
  let state = seed;
  for (let i = 0; i < size; i += 1) {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    bytes[i] = state >> 16;
  }
  return bytes;
}

/**
 * A CSV of `count` member rows; every tenth row has a problem, in turn: no login ID, a bad login
 * ID, an address without @, an unknown domain, a typo, a role address, a duplicate login ID, a
 * suppressed address, a disposable address, an existing login ID.
 */
export function memberCsv(count: number): string {
  const lines = ["login_id,name,email"];
  for (let i = 0; i < count; i += 1) {
    let id = `member${String(i).padStart(6, "0")}`;
    let email = `user${i}@example.co.jp`;
    if (i % 10 === 9) {
      switch (((i - 9) / 10) % 10) {
        case 0:
          id = "";
          break;
        case 1:
          id = `bad id ${i}`;
          break;
        case 2:
          email = `user${i}.example.co.jp`;
          break;
        case 3:
          email = `user${i}@nowhere.invalid`;
          break;
        case 4:
          email = `user${i}@gmial.com`;
          break;
        case 5:
          email = `info+${i}@example.co.jp`;
          break;
        case 6:
          id = "member000000";
          break;
        case 7:
          email = `bounced${i}@example.co.jp`;
          break;
        case 8:
          email = `user${i}@mailinator.com`;
          break;
        case 9:
          id = `existing${i}`;
          break;
      }
    }
    lines.push(`${id},"Member, No. ${i}",${email}`);
  }
  return lines.join("\r\n") + "\r\n";
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.byteLength, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
}
