import { describe, expect, it } from "vitest";
import { ImportError } from "./errors";
import { mapHeaders, NO_HEADER, normaliseHeader } from "./headers";

describe("mapHeaders", () => {
  it("maps English headers in any case, spacing and punctuation", () => {
    expect(mapHeaders(["Login ID", "Full-Name", "E_Mail"])).toEqual({
      columns: { loginId: 0, name: 1, email: 2 },
      unknown: [],
      missing: [],
    });
    expect(mapHeaders(["USER_ID", "display name", "Email Address"]).columns).toEqual({
      loginId: 0,
      name: 1,
      email: 2,
    });
  });

  it("maps Japanese headers, full-width and half-width forms included", () => {
    expect(mapHeaders(["ログインID", "氏名", "メールアドレス"]).columns).toEqual({
      loginId: 0,
      name: 1,
      email: 2,
    });
    expect(mapHeaders(["ログインＩＤ", "名前", "Ｅメール"]).columns).toEqual({
      loginId: 0,
      name: 1,
      email: 2,
    });
    expect(mapHeaders(["ﾛｸﾞｲﾝID", "表示名", "ﾒｰﾙ"]).columns).toEqual({
      loginId: 0,
      name: 1,
      email: 2,
    });
    expect(mapHeaders(["ユーザーID"]).columns).toEqual({ loginId: 0 });
    expect(mapHeaders(["ユーザID"]).columns).toEqual({ loginId: 0 });
  });

  it("reports unknown columns without failing and ignores blank header cells", () => {
    expect(mapHeaders(["id", "部署", "", "email", "Phone"])).toEqual({
      columns: { loginId: 0, email: 3 },
      unknown: ["部署", "Phone"],
      missing: [],
    });
  });

  it("reports a missing login ID column", () => {
    expect(mapHeaders(["name", "email"])).toEqual({
      columns: { name: 0, email: 1 },
      unknown: [],
      missing: ["loginId"],
    });
  });

  it("refuses a first row that is data", () => {
    expect(() => mapHeaders(["member01", "Taro", "taro@example.co.jp"])).toThrow(
      new ImportError(NO_HEADER),
    );
    expect(() => mapHeaders(["member01", "Taro", "taro＠example.co.jp"])).toThrow(NO_HEADER);
    expect(() => mapHeaders(["member01", "山田太郎"])).toThrow(NO_HEADER);
  });

  it("refuses two columns for one field", () => {
    expect(() => mapHeaders(["login_id", "メール", "email"])).toThrow(
      'Columns 2 ("メール") and 3 ("email") both hold the e-mail. Delete or rename one of them and upload the file again.',
    );
  });

  it("normalises without eating the katakana long vowel", () => {
    expect(normaliseHeader("ユーザー ＩＤ")).toBe("ユーザーid");
    expect(normaliseHeader(" E-Mail_Address ")).toBe("emailaddress");
  });
});
