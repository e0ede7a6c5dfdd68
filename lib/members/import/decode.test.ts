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

  it("refuses UTF-16, whose ASCII letters come with NULs", () => {
    const utf16 = Uint8Array.from(Buffer.from("\uFEFFlogin_id,name\r\n", "utf16le"));
    expect(() => decodeCsvBytes(utf16)).toThrow(NOT_A_SPREADSHEET);
  });

  it("keeps a CSV with one stray invalid byte", () => {
    const bytes = Uint8Array.from([...utf8("login_id,name\nmember01,Ab"), 0x80, ...utf8("c\n")]);
    // 0x80 alone is not UTF-8, so the file is read as Shift_JIS, where it is a valid character.
    expect(decodeCsvBytes(bytes).text).toContain("member01");
  });
});
