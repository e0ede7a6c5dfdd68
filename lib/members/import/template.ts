/**
 * The member-list template: the headers the upload recognises, in English or Japanese, as CSV
 * (UTF-8 with a byte-order mark, so Excel opens Japanese correctly) or .xlsx with a sheet of notes.
 */
import type { SheetSpec } from "@/lib/export/xlsx";
import { mapHeaders } from "./headers";

export type TemplateLanguage = "en" | "ja";

export const TEMPLATE_HEADERS: Record<TemplateLanguage, [string, string, string]> = {
  en: ["login_id", "name", "email"],
  ja: ["ログインID", "氏名", "メールアドレス"],
};

const NOTES: Record<TemplateLanguage, string[]> = {
  en: [
    "One member per row on the first sheet, under the header row.",
    "login_id (required): 5 to 30 letters, digits and . _ - @, starting with a letter or digit.",
    "name (optional): at most 100 characters.",
    "email (optional): members with an address get an invitation; without one, an activation code.",
    "Nothing is added at upload: every row is checked and shown first.",
  ],
  ja: [
    "1行目の見出しの下に、1行に1人ずつ入力してください（最初のシートのみ読み込みます）。",
    "ログインID（必須）: 英数字と . _ - @ で5〜30文字、先頭は英数字。",
    "氏名（任意）: 100文字まで。",
    "メールアドレス（任意）: あれば招待メール、なければアクティベーションコードを発行します。",
    "アップロード時点では登録されません。すべての行を確認してから登録します。",
  ],
};

// The template must be what the upload reads: checked once, when this module loads.
for (const headers of Object.values(TEMPLATE_HEADERS)) {
  const { missing, unknown } = mapHeaders(headers);
  if (missing.length > 0 || unknown.length > 0)
    throw new Error(`Template headers not recognised: ${headers.join(",")}`);
}

export function templateCsv(language: TemplateLanguage): string {
  return `\uFEFF${TEMPLATE_HEADERS[language].join(",")}\r\n`;
}

export function templateSheets(language: TemplateLanguage): SheetSpec[] {
  return [
    {
      name: language === "ja" ? "メンバー" : "Members",
      columns: TEMPLATE_HEADERS[language].map((header) => ({ header, width: 30 })),
      rows: [],
    },
    {
      name: language === "ja" ? "記入方法" : "How to fill in",
      columns: [{ header: language === "ja" ? "記入方法" : "How to fill in", width: 100 }],
      rows: NOTES[language].map((note) => [note]),
    },
  ];
}
