import { describe, expect, it } from "vitest";
import { decodeCsvBytes } from "./decode";
import { ImportError, NOT_A_SPREADSHEET } from "./errors";
import {
  binaryGarbage,
  SHIFT_JIS_CSV,
  SHIFT_JIS_HALF_WIDTH_LOGIN_ID,
  utf8,
  withBom,
} from "@/test/fixtures/uploads";

describe("decodeCsvBytes", () => {
  it("reads UTF-8", () => {
    expect(decodeCsvBytes(utf8("ログインID,氏名\r\n"))).toEqual({
      text: "ログインID,氏名\r\n",
      encoding: "utf-8",
    });
  });

  it("strips a UTF-8 byte-order mark", () => {
    expect(decodeCsvBytes(withBom("login_id,name\n"))).toEqual({
      text: "login_id,name\n",
      encoding: "utf-8-bom",
    });
  });

  it("reads Shift_JIS with the CP932 extensions Japanese Excel writes", () => {
    const { text, encoding } = decodeCsvBytes(SHIFT_JIS_CSV);
    expect(encoding).toBe("shift_jis");
    expect(text).toBe(
      "ログインID,氏名,メールアドレス\r\ntaro01,山田太郎,taro@example.co.jp\r\nhana02,髙橋①花子,\r\n",
    );
  });

  it("reads half-width katakana in Shift_JIS", () => {
    expect(decodeCsvBytes(SHIFT_JIS_HALF_WIDTH_LOGIN_ID).text).toBe("ﾛｸﾞｲﾝID");
  });

  it("treats plain ASCII as UTF-8", () => {
    expect(decodeCsvBytes(utf8("a,b\n")).encoding).toBe("utf-8");
  });

  it("refuses binary data with NUL bytes", () => {
    expect(() => decodeCsvBytes(binaryGarbage(4096))).toThrow(new ImportError(NOT_A_SPREADSHEET));
  });

  it("refuses binary data without NUL bytes", () => {
    const bytes = binaryGarbage(4096, 7).map((b) => (b === 0 ? 1 : b));
    expect(() => decodeCsvBytes(bytes)).toThrow(ImportError);
  });

  it("reads UTF-16 with its byte-order mark, as Excel's Unicode text", () => {
    const le = Uint8Array.from(Buffer.from("\uFEFFlogin_id\tname\r\nm01\tJosé\r\n", "utf16le"));
    expect(decodeCsvBytes(le)).toEqual({
      text: "login_id\tname\r\nm01\tJosé\r\n",
      encoding: "utf-16le",
    });
    const be = Buffer.from("\uFEFFログインID,氏名\r\n", "utf16le").swap16();
    expect(decodeCsvBytes(Uint8Array.from(be))).toEqual({
      text: "ログインID,氏名\r\n",
      encoding: "utf-16be",
    });
  });

  it("refuses UTF-16 without its mark, whose ASCII letters come with NULs", () => {
    const utf16 = Uint8Array.from(Buffer.from("login_id,name\r\n", "utf16le"));
    expect(() => decodeCsvBytes(utf16)).toThrow(NOT_A_SPREADSHEET);
  });

  it("refuses a UTF-16 mark followed by what is not UTF-16", () => {
    expect(() => decodeCsvBytes(Uint8Array.of(0xff, 0xfe, 0x41))).toThrow(NOT_A_SPREADSHEET);
    expect(() => decodeCsvBytes(Uint8Array.of(0xff, 0xfe, 0, 0))).toThrow(NOT_A_SPREADSHEET);
  });

  it("reads Latin-1 (Windows-1252), which it once read as Shift_JIS", () => {
    const latin1 = (text: string) => Uint8Array.from(Buffer.from(text, "latin1"));
    // Not Shift_JIS at all: é before a space has no trail byte.
    expect(decodeCsvBytes(latin1("j1,José Müller\n"))).toEqual({
      text: "j1,José Müller\n",
      encoding: "windows-1252",
    });
    // Valid Shift_JIS too ("Ren馥"), but accented letters, not common kanji.
    expect(decodeCsvBytes(latin1("r2,Renée Çava\n")).text).toBe("r2,Renée Çava\n");
  });

  it("keeps a CSV with one stray invalid byte", () => {
    const bytes = Uint8Array.from([...utf8("login_id,name\nmember01,Ab"), 0x80, ...utf8("c\n")]);
    // 0x80 alone is not UTF-8, so the file is read as Shift_JIS, where it is a valid character.
    expect(decodeCsvBytes(bytes).text).toContain("member01");
  });
});
