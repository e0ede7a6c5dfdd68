import {
  addressProblems,
  CachedAddressChecker,
  domainOf,
  normaliseAddress,
  syntaxProblem,
  type AddressCheck,
} from "@/lib/address";
import { LOGIN_ID_PATTERN, normaliseLoginId } from "@/lib/auth/login-id";
import type { ImportField } from "./headers";

export const PROBLEM_CODES = [
  "login_id_missing",
  "login_id_invalid",
  "name_invalid",
  "duplicate_in_file",
  "duplicate_address_in_file",
  "duplicate_in_tenant",
  "email_invalid",
  "domain_not_found",
  "typo_suggestion",
  "disposable_address",
  "role_address",
  "suppressed_address",
] as const;

export type ProblemCode = (typeof PROBLEM_CODES)[number];

/** Each problem in the words an admin uses (the preview's filters, the workbook's columns). */
export const PROBLEM_LABEL: Record<ProblemCode, string> = {
  login_id_missing: "Login ID missing",
  login_id_invalid: "Login ID not valid",
  name_invalid: "Name not valid",
  duplicate_in_file: "Login ID twice in the file",
  duplicate_address_in_file: "Address twice in the file",
  duplicate_in_tenant: "Login ID already taken",
  email_invalid: "Address not valid",
  domain_not_found: "Domain does not exist",
  typo_suggestion: "Likely typo",
  disposable_address: "Throwaway address",
  role_address: "Shared address",
  suppressed_address: "Address suppressed",
};
export type Severity = "error" | "warning";
export type RowStatus = "ok" | Severity;

export type RowProblem = {
  code: ProblemCode;
  severity: Severity;
  message: string;
  /** For typo_suggestion (and a bad address with a likely fix): the corrected address. */
  suggestion?: string;
};

export type ImportMode = "create_only" | "create_and_update";

export type ValidationContext = {
  mode: ImportMode;
  /** Normalised login IDs (normaliseLoginId) of this tenant's members. */
  existingLoginIds: ReadonlySet<string>;
  /** Normalised login IDs of the tenant's administrators: an import never changes them. */
  adminLoginIds?: ReadonlySet<string>;
  /** Normalised addresses (normaliseAddress) that bounced or complained before. */
  suppressed: ReadonlySet<string>;
  /** Verdicts for domainsToCheck(); a domain without one is not judged. */
  domainVerdicts: ReadonlyMap<string, { status: "ok" | "not_found" | "unknown" }>;
  /** Row numbers from parseUpload; without them row i is taken to be line i + 2. */
  lines?: readonly number[];
};

export type ValidatedRow = {
  /** 1-based row number in the file, the header included. */
  line: number;
  loginId: string;
  name: string;
  /** The normalised address, or null when the row has none or it is unusable. */
  email: string | null;
  status: RowStatus;
  problems: RowProblem[];
};

export type ImportColumns = Partial<Record<ImportField, number>>;

const LOGIN_ID_RULE =
  "A login ID has 5 to 30 characters: letters, digits and . _ - @, starting with a letter or digit.";

const MAX_LINES_NAMED = 5;

/** The same limit as the member form's. */
export const NAME_MAX = 100;
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** Every row's outcome. Pure and synchronous: look the domains up first (domainsToCheck). */
export function validateRows(
  rows: readonly (readonly string[])[],
  columns: ImportColumns,
  context: ValidationContext,
): ValidatedRow[] {
  const lineOf = (index: number) => context.lines?.[index] ?? index + 2;
  const cell = (row: readonly string[], field: ImportField): string => {
    const index = columns[field];
    return index === undefined ? "" : (row[index] ?? "").trim();
  };

  const result: ValidatedRow[] = new Array(rows.length);
  // Normalised login ID -> indexes of the rows holding it, for the duplicate check.
  const seen = new Map<string, number[]>();
  // Normalised address -> indexes of the rows holding it: one mailbox, several invitations.
  const sameAddress = new Map<string, number[]>();
  const addresses = new CachedAddressChecker();

  for (let index = 0; index < rows.length; index += 1) {
    const row = rows[index]!;
    const loginId = cell(row, "loginId");
    const name = cell(row, "name");
    const rawEmail = cell(row, "email");
    const problems: RowProblem[] = [];

    if (loginId === "") {
      problems.push(
        error("login_id_missing", "The login ID is empty. Enter a login ID for this member."),
      );
    } else {
      const key = normaliseLoginId(loginId);
      if (!LOGIN_ID_PATTERN.test(loginId)) {
        problems.push(
          error("login_id_invalid", `The login ID "${loginId}" is not valid. ${LOGIN_ID_RULE}`),
        );
      }
      if (context.adminLoginIds?.has(key)) {
        problems.push(
          error(
            "duplicate_in_tenant",
            `The login ID "${loginId}" belongs to an administrator of your organisation, and an import only adds and updates learners. Give this row its own login ID.`,
          ),
        );
      } else if (context.existingLoginIds.has(key)) {
        problems.push(
          context.mode === "create_only"
            ? error(
                "duplicate_in_tenant",
                `A member with login ID "${loginId}" already exists. Choose another login ID, or import with "create and update" to update that member.`,
              )
            : warning(
                "duplicate_in_tenant",
                `A member with login ID "${loginId}" already exists and will be updated with this row's name and e-mail (an empty cell keeps what is stored). Change the login ID if this is a different person.`,
              ),
        );
      }
      const holders = seen.get(key);
      if (holders) holders.push(index);
      else seen.set(key, [index]);
    }

    if (name.length > NAME_MAX) {
      problems.push(
        error(
          "name_invalid",
          `The name has ${name.length} characters; at most ${NAME_MAX} fit. Shorten it.`,
        ),
      );
    } else if (CONTROL.test(name)) {
      problems.push(
        error(
          "name_invalid",
          "The name contains a line break or another invisible character. Remove it and keep the name on one line.",
        ),
      );
    }
    const email = rawEmail === "" ? null : checkEmail(addresses.check(rawEmail), context, problems);
    if (email) {
      const key = email.toLowerCase();
      const holders = sameAddress.get(key);
      if (holders) holders.push(index);
      else sameAddress.set(key, [index]);
    }
    result[index] = { line: lineOf(index), loginId, name, email, status: "ok", problems };
  }

  for (const holders of seen.values()) {
    if (holders.length < 2) continue;
    for (const index of holders) {
      const where = otherRows(holders, index, lineOf);
      const row = result[index]!;
      row.problems.push(
        error(
          "duplicate_in_file",
          `The login ID "${row.loginId}" is also used in ${where} of this file. Keep one of these rows and give the others their own login IDs.`,
        ),
      );
    }
  }

  for (const holders of sameAddress.values()) {
    if (holders.length < 2) continue;
    // Rows that are one login ID repeated are said already (duplicate_in_file).
    const ids = new Set(holders.map((index) => normaliseLoginId(result[index]!.loginId)));
    if (ids.size < 2) continue;
    for (const index of holders) {
      const where = otherRows(holders, index, lineOf);
      const row = result[index]!;
      row.problems.push(
        warning(
          "duplicate_address_in_file",
          `The address ${row.email} is also used in ${where} of this file, under another login ID: each row gets an invitation to the same mailbox. Give each member their own address, or keep both on purpose.`,
        ),
      );
    }
  }

  for (const row of result) row.status = statusOf(row.problems);
  return result;
}

/** "row 3" or "rows 3, 7 and 12 more": the other rows holding the same value. */
function otherRows(holders: readonly number[], index: number, lineOf: (i: number) => number) {
  // Only the first few are named, so that one value repeated 100,000 times stays linear.
  const named = holders
    .slice(0, MAX_LINES_NAMED + 1)
    .filter((other) => other !== index)
    .slice(0, MAX_LINES_NAMED)
    .map(lineOf);
  const more = holders.length - 1 - named.length;
  return (
    (named.length === 1 ? `row ${named[0]}` : `rows ${named.join(", ")}`) +
    (more > 0 ? ` and ${more} more` : "")
  );
}

function checkEmail(
  check: AddressCheck,
  context: ValidationContext,
  problems: RowProblem[],
): string | null {
  const address = check.address;
  const found = addressProblems(check, {
    suppressed:
      address !== null &&
      (context.suppressed.has(address) || context.suppressed.has(address.toLowerCase())),
    domain: address === null ? undefined : context.domainVerdicts.get(domainOf(address)),
  });
  for (const { code, severity, message, suggestion } of found) {
    problems.push(
      suggestion ? { code, severity, message, suggestion } : { code, severity, message },
    );
  }
  return address;
}

/** The distinct domains of the usable addresses, to look up in one batch before validateRows. */
export function domainsToCheck(
  rows: readonly (readonly string[])[],
  columns: ImportColumns,
): string[] {
  const column = columns.email;
  if (column === undefined) return [];
  const domains = new Set<string>();
  for (const row of rows) {
    const raw = (row[column] ?? "").trim();
    if (raw === "") continue;
    const address = normaliseAddress(raw);
    if (address !== null && syntaxProblem(address) === null) domains.add(domainOf(address));
  }
  return [...domains];
}

export type ImportSummary = {
  total: number;
  ok: number;
  warning: number;
  error: number;
  /** Rows with each problem (a row counts once per code). */
  byCode: Record<ProblemCode, number>;
};

export function summarise(validated: readonly ValidatedRow[]): ImportSummary {
  const byCode = Object.fromEntries(PROBLEM_CODES.map((code) => [code, 0])) as Record<
    ProblemCode,
    number
  >;
  const summary: ImportSummary = { total: validated.length, ok: 0, warning: 0, error: 0, byCode };
  for (const row of validated) {
    summary[row.status] += 1;
    for (const code of new Set(row.problems.map((problem) => problem.code))) byCode[code] += 1;
  }
  return summary;
}

function statusOf(problems: readonly RowProblem[]): RowStatus {
  if (problems.some((problem) => problem.severity === "error")) return "error";
  return problems.length > 0 ? "warning" : "ok";
}

function error(code: ProblemCode, message: string): RowProblem {
  return { code, severity: "error", message };
}

function warning(code: ProblemCode, message: string): RowProblem {
  return { code, severity: "warning", message };
}
