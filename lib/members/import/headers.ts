import { ImportError } from "./errors";

export type ImportField = "loginId" | "name" | "email";

export type HeaderMapping = {
  /** 0-based column index of each recognised field. */
  columns: Partial<Record<ImportField, number>>;
  /** Header cells that name no field, as written; their columns are ignored. */
  unknown: string[];
  /** Required fields with no column. */
  missing: "loginId"[];
};

const SYNONYMS: Record<ImportField, readonly string[]> = {
  loginId: [
    "login id",
    "loginid",
    "login_id",
    "login",
    "user id",
    "userid",
    "user_id",
    "id",
    "ログインID",
    "ログインＩＤ",
    "ユーザーID",
    "ユーザID",
  ],
  name: ["name", "full name", "display name", "氏名", "名前", "表示名"],
  email: [
    "email",
    "e-mail",
    "mail",
    "email address",
    "e-mail address",
    "mail address",
    "メールアドレス",
    "メール",
    "Eメール",
    "Eメールアドレス",
  ],
};

export const FIELD_LABELS: Record<ImportField, string> = {
  loginId: "login ID",
  name: "name",
  email: "e-mail",
};

/**
 * The form headers are compared in: NFKC (full-width letters and half-width katakana to their
 * ordinary forms), lower case, without spaces, hyphens, underscores and dots. The katakana long
 * vowel mark (ー) is a letter, not a hyphen, and stays.
 */
export function normaliseHeader(header: string): string {
  return header
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[\s_.\-\u2010-\u2015\u2212]/g, "");
}

const LOOKUP = new Map<string, ImportField>();
for (const [field, names] of Object.entries(SYNONYMS) as [ImportField, readonly string[]][]) {
  for (const name of names) LOOKUP.set(normaliseHeader(name), field);
}

export const NO_HEADER =
  "No header row found: the first row must name the columns, e.g. login_id,name,email (ログインID,氏名,メールアドレス).";

/** Which column holds which field. Throws ImportError when the first row is not a header. */
export function mapHeaders(headers: readonly string[]): HeaderMapping {
  const columns: Partial<Record<ImportField, number>> = {};
  const unknown: string[] = [];
  // An address in the first row means the file starts with a member, not with column names.
  if (headers.some((cell) => /[@\uFF20]/.test(cell))) throw new ImportError(NO_HEADER);
  headers.forEach((raw, index) => {
    const header = raw.trim();
    if (header === "") return;
    const field = LOOKUP.get(normaliseHeader(header));
    if (field === undefined) {
      unknown.push(header);
      return;
    }
    const earlier = columns[field];
    if (earlier !== undefined) {
      throw new ImportError(
        `Columns ${earlier + 1} ("${headers[earlier]!.trim()}") and ${index + 1} ("${header}") both hold the ${FIELD_LABELS[field]}. Delete or rename one of them and upload the file again.`,
      );
    }
    columns[field] = index;
  });
  if (Object.keys(columns).length === 0) throw new ImportError(NO_HEADER);
  const missing: "loginId"[] = columns.loginId === undefined ? ["loginId"] : [];
  return { columns, unknown, missing };
}
