/**
 * Fuzzing the member-list upload parser (lib/members/import/parse): whatever bytes arrive, the
 * upload reads them or refuses them with a sentence (an ImportError, shown as it is): random
 * bytes behind every format's magic number, damaged and truncated workbooks, huge cells, and the
 * same member list in every encoding a spreadsheet program writes, read back cell for cell.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stripControlCharacters } from "@/lib/input/control";
import { ImportError } from "@/lib/members/import/errors";
import { parseUpload, type ParsedUpload, type UploadLimits } from "@/lib/members/import/parse";
import { workbook } from "@/test/fixtures/uploads";
import { expectSentence, fuzz } from "./fuzz";

const LIMITS: UploadLimits = { maxBytes: 4 * 1024 * 1024, maxRows: 2_000 };

/** The parser's contract: a result, or an ImportError whose message is a sentence. */
function readOrSentence(bytes: Uint8Array, limits = LIMITS): ParsedUpload | null {
  try {
    return parseUpload({ name: "upload", bytes }, limits);
  } catch (error) {
    if (!(error instanceof ImportError)) throw error;
    expectSentence(error.message);
    return null;
  }
}

const MAGIC: Record<string, number[]> = {
  none: [],
  zip: [0x50, 0x4b, 0x03, 0x04],
  ole: [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1],
  "utf-8 mark": [0xef, 0xbb, 0xbf],
  "utf-16le mark": [0xff, 0xfe],
  "utf-16be mark": [0xfe, 0xff],
};

describe("fuzz: the upload parser on bad input", () => {
  it("reads or refuses random bytes behind every format's magic number", async () => {
    const arbitrary = fc.record({
      magic: fc.constantFrom(...Object.keys(MAGIC)),
      body: fc.uint8Array({ maxLength: 3_000 }),
    });
    await fuzz(
      "upload: random bytes",
      arbitrary,
      ({ magic, body }) => {
        readOrSentence(Uint8Array.from([...MAGIC[magic]!, ...body]));
      },
      {
        runs: 300,
        examples: [
          { magic: "utf-16le mark", body: Uint8Array.of(0x41) }, // odd length
          { magic: "utf-16be mark", body: Uint8Array.of(0xd8, 0x00) }, // a lone surrogate
          { magic: "zip", body: new Uint8Array(0) },
        ],
      },
    );
  });

  // One workbook of each kind, then cut short, bytes overwritten, or both.
  const bases = {
    xlsx: workbook([
      [
        ["login_id", "name", "email"],
        ["taro01", "山田太郎", "taro@example.com"],
        ["jose02", "José Müller", "jose@example.com"],
      ],
    ]),
    xls: workbook(
      [
        [
          ["login_id", "name"],
          ["member01", "Member One"],
        ],
      ],
      "biff8",
    ),
  };

  it("reads or refuses truncated and damaged workbooks", async () => {
    const arbitrary = fc.record({
      kind: fc.constantFrom<keyof typeof bases>("xlsx", "xls"),
      cut: fc.double({ min: 0, max: 1, noNaN: true }),
      damage: fc.array(
        fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 255 })),
        {
          maxLength: 8,
        },
      ),
    });
    await fuzz(
      "upload: truncated and damaged workbooks",
      arbitrary,
      ({ kind, cut, damage }) => {
        const base = bases[kind];
        const bytes = base.slice(0, Math.max(4, Math.round(base.length * cut)));
        for (const [at, value] of damage) bytes[Math.floor(at * bytes.length)] = value;
        readOrSentence(bytes);
      },
      {
        runs: 150,
        examples: [
          { kind: "xlsx", cut: 1, damage: [] },
          { kind: "xlsx", cut: 0.5, damage: [] },
          { kind: "xlsx", cut: 0.999, damage: [] }, // the directory's end record cut off
          { kind: "xls", cut: 0.3, damage: [] },
        ],
      },
    );
  });

  it("reads a whole workbook back", () => {
    expect(readOrSentence(bases.xlsx)?.rows).toEqual([
      ["taro01", "山田太郎", "taro@example.com"],
      ["jose02", "José Müller", "jose@example.com"],
    ]);
  });

  it("keeps a huge cell whole, or refuses the file with a sentence when it is over the limit", async () => {
    const arbitrary = fc.record({
      size: fc.integer({ min: 1_000, max: 6 * 1024 * 1024 }),
      char: fc.constantFrom("a", "é", "漢", "😀", ",", '"', "\n"),
      column: fc.integer({ min: 0, max: 2 }),
      quoted: fc.boolean(),
    });
    await fuzz(
      "upload: huge cells",
      arbitrary,
      ({ size, char, column, quoted }) => {
        const value = char.repeat(Math.ceil(size / Buffer.byteLength(char)));
        const needsQuotes = quoted || /[,"\n]/.test(char);
        const cell = needsQuotes ? `"${value.replaceAll('"', '""')}"` : value;
        const row = ["member01", "Member One", "one@example.com"];
        row[column] = cell;
        const bytes = new TextEncoder().encode(`login_id,name,email\n${row.join(",")}\n`);
        const parsed = readOrSentence(bytes);
        if (bytes.length > LIMITS.maxBytes) expect(parsed).toBeNull();
        // A cell of line breaks only is blank once trimmed, and a trailing blank cell is dropped.
        else expect(parsed?.rows[0]?.[column] ?? "").toBe(value.trim());
      },
      { runs: 12 },
    );
  });
});

// ------------------------------------------------------------------------------------------------
// Every encoding, read back cell for cell
// ------------------------------------------------------------------------------------------------

/** Shift_JIS (CP932) as the WHATWG decoder reads it, inverted: every character it can write. */
const SJIS = (() => {
  const decoder = new TextDecoder("shift_jis", { fatal: true });
  const table = new Map<string, number[]>();
  for (let b = 0xa1; b <= 0xdf; b += 1) table.set(decoder.decode(Uint8Array.of(b)), [b]);
  const leads = [...range(0x81, 0x9f), ...range(0xe0, 0xfc)];
  const trails = [...range(0x40, 0x7e), ...range(0x80, 0xfc)];
  for (const lead of leads) {
    for (const trail of trails) {
      let char: string;
      try {
        char = decoder.decode(Uint8Array.of(lead, trail));
      } catch {
        continue;
      }
      if (!table.has(char)) table.set(char, [lead, trail]);
    }
  }
  return table;
})();

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

function toShiftJis(text: string): Uint8Array {
  const out: number[] = [];
  for (const char of text) {
    if (char.charCodeAt(0) < 0x80) out.push(char.charCodeAt(0));
    else out.push(...SJIS.get(char)!);
  }
  return Uint8Array.from(out);
}

/**
 * Japanese names as Japanese Excel writes them: kana, full-width forms and the common (level 1)
 * kanji, whose lead bytes are 0x81-0x9F, and half-width katakana in words. (A list of nothing but
 * rare level-2 kanji would read as Latin-1: see readsAsLatin1.)
 */
const JAPANESE = [...SJIS.entries()]
  .filter(([, bytes]) => bytes.length === 2 && bytes[0]! <= 0x9f)
  .map(([char]) => char);
const HALF_WIDTH_KANA = [...SJIS.entries()].filter(([, b]) => b.length === 1).map(([c]) => c);
const ASCII = range(0x20, 0x7e).map((c) => String.fromCharCode(c));

const japaneseText = fc
  .array(
    fc.oneof(
      fc.constantFrom(...ASCII),
      fc.constantFrom(...JAPANESE),
      fc
        .array(fc.constantFrom(...HALF_WIDTH_KANA), { minLength: 2, maxLength: 5 })
        .map((k) => k.join("")),
    ),
    { maxLength: 12 },
  )
  .map((parts) => parts.join(""));

/**
 * Western European names in Latin-1: lower-case accented letters anywhere, capitals and signs
 * (Ç, Ñ, ß, ¿) before an ASCII letter, as in names and words.
 */
const LATIN_LOWER = range(0xe0, 0xff).map((c) => String.fromCharCode(c));
const LATIN_BEFORE_ASCII = [...range(0xa1, 0xbf), ...range(0xc0, 0xdf)].map((c) =>
  String.fromCharCode(c),
);
const latinText = fc
  .array(
    fc.oneof(
      fc.constantFrom(...ASCII),
      fc.constantFrom(...LATIN_LOWER),
      fc
        .tuple(
          fc.constantFrom(...LATIN_BEFORE_ASCII),
          fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz"),
        )
        .map(([a, b]) => a + b),
    ),
    { maxLength: 12 },
  )
  .map((parts) => parts.join(""));

/** Any Unicode text, without the controls and U+FFFD that the binary check counts. */
const unicodeText = fc
  .string({ unit: "binary", maxLength: 16 })
  .map((s) => s.replace(/[\u0000-\u001f\u007f-\u009f\uFFFD]/g, ""));

const utf16 = (text: string, endian: "le" | "be") => {
  const body = Buffer.from(text, "utf16le");
  if (endian === "be") body.swap16();
  return Uint8Array.from([...(endian === "le" ? [0xff, 0xfe] : [0xfe, 0xff]), ...body]);
};

const ENCODINGS = {
  "utf-8": { text: unicodeText, encode: (t: string) => new TextEncoder().encode(t) },
  "utf-8 with mark": {
    text: unicodeText,
    encode: (t: string) => Uint8Array.from([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(t)]),
  },
  "utf-16le with mark": { text: unicodeText, encode: (t: string) => utf16(t, "le") },
  "utf-16be with mark": { text: unicodeText, encode: (t: string) => utf16(t, "be") },
  shift_jis: { text: japaneseText, encode: toShiftJis },
  "latin-1": { text: latinText, encode: (t: string) => Uint8Array.from(Buffer.from(t, "latin1")) },
} as const;
type EncodingName = keyof typeof ENCODINGS;

const HEADERS: Record<EncodingName, string[]> = {
  "utf-8": ["login_id", "name", "email"],
  "utf-8 with mark": ["ログインID", "氏名", "メールアドレス"],
  "utf-16le with mark": ["login_id", "name", "email"],
  "utf-16be with mark": ["ログインID", "氏名", "メールアドレス"],
  shift_jis: ["ログインID", "氏名", "メールアドレス"],
  "latin-1": ["login_id", "name", "email"],
};

const csvField = (value: string, delimiter: string) =>
  /["\r\n]/.test(value) || value.includes(delimiter) ? `"${value.replaceAll('"', '""')}"` : value;

/** What the parser promises for a cell: controls removed, then trimmed. */
const expectedCell = (value: string) => stripControlCharacters(value).trim();

describe("fuzz: the upload parser in every encoding", () => {
  it.each(Object.keys(ENCODINGS) as EncodingName[])(
    "reads a member list in %s back cell for cell",
    async (name) => {
      const { text, encode } = ENCODINGS[name];
      const arbitrary = fc.record({
        rows: fc.array(fc.tuple(text, text, text), { minLength: 1, maxLength: 6 }),
        delimiter: fc.constantFrom(",", "\t"),
        newline: fc.constantFrom("\r\n", "\n"),
      });
      await fuzz(
        `upload: every encoding: ${name}`,
        arbitrary,
        ({ rows, delimiter, newline }) => {
          const lines = [HEADERS[name], ...rows].map((row) =>
            row.map((cell) => csvField(cell, delimiter)).join(delimiter),
          );
          const bytes = encode(lines.join(newline) + newline);
          const parsed = parseUpload({ name: "list.csv", bytes }, LIMITS);
          const expected = rows
            .map((row) => {
              const cells = row.map(expectedCell);
              while (cells.length > 0 && cells.at(-1) === "") cells.pop();
              return cells;
            })
            .filter((cells) => cells.length > 0);
          expect(parsed.headers).toEqual(HEADERS[name]);
          expect(parsed.rows).toEqual(expected);
        },
        {
          runs: 60,
          examples: REGRESSIONS[name].map((row) => ({
            rows: [row],
            delimiter: name.startsWith("utf-16") ? "\t" : ",",
            newline: "\r\n",
          })),
        },
      );
    },
  );
});

/**
 * The corpus: lists the parser once got wrong. Latin-1 was read as Shift_JIS ("José Müller" came
 * out as "Jos� M�ler", "Renée" as "Ren馥"); UTF-16, Excel's "Unicode text", was refused as "not a
 * CSV or Excel file".
 */
const REGRESSIONS: Record<EncodingName, [string, string, string][]> = {
  "utf-8": [["member01", "Zoë 😀", "zoe@example.com"]],
  "utf-8 with mark": [["member01", "山田太郎", ""]],
  "utf-16le with mark": [["member01", "José Müller", "jose@example.com"]],
  "utf-16be with mark": [["taro01", "山田太郎", "taro@example.com"]],
  shift_jis: [["hana02", "ﾊﾅｺ 花子", ""]],
  "latin-1": [
    ["jose01", "José Müller", "jose@example.com"],
    ["renee02", "Renée Çava", "renee@example.com"],
    ["nino03", "Niño ¿Qué?", ""],
  ],
};
