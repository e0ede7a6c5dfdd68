import { rawSql } from "@/db/client";
import type { SheetSpec } from "@/lib/export/xlsx";
import { env } from "@/lib/env";
import type { IssuedCode } from "./commit";
import { loadRows, suggestionOf } from "./records";
import type { ImportRecord } from "./rows";
import { PROBLEM_CODES, PROBLEM_LABEL } from "./validate";

const STATUS_LABEL = { ok: "OK", warning: "Warning", error: "Not imported" } as const;
const IMPORT_STATUS_LABEL = {
  previewed: "Checked, not committed yet",
  committed: "Committed",
  discarded: "Discarded",
} as const;

/**
 * The rows that need attention (errors and warnings), each with every reason and what to do, and a
 * summary sheet: what an admin fixes in Excel before uploading the file again.
 */
export async function importReport(tenantId: string, record: ImportRecord): Promise<SheetSpec[]> {
  const stored = await loadRows(rawSql(), tenantId, record.id);
  const { summary } = record;
  return [
    {
      name: "Summary",
      columns: [
        { header: "Item", width: 34 },
        { header: "Value", width: 40 },
      ],
      rows: [
        ["File", record.fileName],
        // Date and time, in UTC and said so: a date alone does not tell two uploads of a day apart.
        ["Checked at", `${record.createdAt.toISOString().slice(0, 16).replace("T", " ")} UTC`],
        ["Mode", record.mode === "create_only" ? "Create only" : "Create and update"],
        ["Status", IMPORT_STATUS_LABEL[record.status]],
        ["Rows", summary.total],
        ["OK", summary.ok],
        ["Warnings (imported)", summary.warning],
        ["Errors (not imported)", summary.error],
        ...PROBLEM_CODES.filter((code) => summary.byCode[code] > 0).map(
          (code) => [`Rows: ${PROBLEM_LABEL[code]}`, summary.byCode[code]] as const,
        ),
      ],
    },
    {
      name: "Rows to check",
      columns: [
        // The first three headers are ones the upload recognises: fix the rows here and upload
        // this sheet again (the other columns are ignored).
        { header: "Login ID", width: 20 },
        { header: "Name", width: 20 },
        { header: "E-mail", width: 30 },
        { header: "Row in the file", width: 10 },
        { header: "Outcome", width: 14 },
        { header: "Problems", width: 24 },
        { header: "What to do", width: 80 },
        { header: "Suggested address", width: 30 },
      ],
      rows: (function* () {
        for (const row of stored.rows) {
          if (row.status === "ok") continue;
          yield [
            row.loginId,
            row.name,
            row.rawEmail,
            row.line,
            STATUS_LABEL[row.status],
            row.problems.map((problem) => PROBLEM_LABEL[problem.code]).join(", "),
            row.problems.map((problem) => problem.message).join("\n"),
            suggestionOf(row),
          ];
        }
      })(),
    },
  ];
}

/** Where a member without an address starts: the organisation's activation page. */
export function activationPageUrl(tenantSlug: string): string {
  return new URL(`/t/${tenantSlug}/activate`, env().PUBLIC_URL).toString();
}

/** The activation-code sheet: one row per member without an address, to print and hand out. */
export function codesSheet(
  tenant: { slug: string; name: string },
  codes: readonly Omit<IssuedCode, "line">[],
): SheetSpec[] {
  const url = activationPageUrl(tenant.slug);
  return [
    {
      name: "Activation codes",
      columns: [
        { header: "Login ID", width: 22 },
        { header: "Name", width: 24 },
        { header: "Activation code", width: 18 },
        { header: "Where to start", width: 50 },
        { header: "Organisation", width: 24 },
      ],
      rows: codes.map((code) => [code.loginId, code.name, code.code, url, tenant.name]),
    },
  ];
}
