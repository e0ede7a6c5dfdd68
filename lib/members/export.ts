/**
 * The member table as a download, with the filters and sort it is shown with: .xlsx (exceljs's
 * streaming writer) or CSV (UTF-8 with a byte-order mark, for Excel), both written as the pages
 * are read, never the whole list in memory. Cells that could be read as formulas are neutralised.
 */
import { neutralise, type CellValue, type SheetSpec } from "@/lib/export/xlsx";
import { listMembers } from "./list";
import type { MemberQuery } from "./list-query";
import { mailBadge } from "./mail-badge";
import { MEMBER_STATUS, ROLE_LABEL } from "./status-badge";

const PAGE = 1_000;

export const MEMBER_EXPORT_COLUMNS = [
  { header: "Login ID", width: 20 },
  { header: "Name", width: 24 },
  { header: "E-mail", width: 32 },
  { header: "Role", width: 14 },
  { header: "Status", width: 14 },
  { header: "Mail", width: 24 },
  { header: "Address warning", width: 40 },
  { header: "Last sign-in (UTC)", width: 18, date: true },
  { header: "Added (UTC)", width: 18, date: true },
];

/** Every member the query matches, a page at a time, as rows of words. */
export async function* memberExportRows(
  tenantId: string,
  query: MemberQuery,
): AsyncGenerator<CellValue[]> {
  for (let page = 1; ; page += 1) {
    const { rows, total } = await listMembers(tenantId, { ...query, page, size: PAGE });
    for (const r of rows) {
      yield [
        r.loginId,
        r.name,
        r.email,
        ROLE_LABEL[r.role],
        MEMBER_STATUS[r.status].label,
        mailBadge(r.emailStatus, r.latestMail).label,
        r.addressWarning?.text ?? null,
        r.lastLoginAt ? new Date(r.lastLoginAt) : null,
        new Date(r.createdAt),
      ];
    }
    if (page * PAGE >= total || rows.length < PAGE) return;
  }
}

export function memberSheets(tenantId: string, query: MemberQuery): SheetSpec[] {
  return [
    {
      name: "Members",
      columns: MEMBER_EXPORT_COLUMNS,
      rows: memberExportRows(tenantId, query),
      autoFilter: true,
    },
  ];
}

function csvCell(value: CellValue): string {
  const v = neutralise(value);
  const text =
    v === null
      ? ""
      : v instanceof Date
        ? v.toISOString().slice(0, 16).replace("T", " ")
        : String(v);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The same rows as CSV, streamed; a reader who goes away stops the reading. */
export function memberCsvStream(tenantId: string, query: MemberQuery): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const rows = memberExportRows(tenantId, query);
  let started = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(
          encoder.encode(
            `\uFEFF${MEMBER_EXPORT_COLUMNS.map((c) => csvCell(c.header)).join(",")}\r\n`,
          ),
        );
        return;
      }
      const next = await rows.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(`${next.value.map(csvCell).join(",")}\r\n`));
    },
    async cancel() {
      await rows.return(undefined);
    },
  });
}
