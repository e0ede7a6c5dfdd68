import { attachment, workbookStream, XLSX_TYPE } from "@/lib/export/xlsx";
import { importReport } from "@/lib/members/import/report";
import { findImport } from "@/lib/members/import/records";
import { adminRoute, notFoundResponse } from "@/lib/web/respond";

/** The rows that need attention, as a workbook, streamed. */
export async function GET(
  request: Request,
  { params }: { params: Promise<{ tenant: string; id: string }> },
) {
  const { tenant, id } = await params;
  const ctx = await adminRoute(request, tenant);
  if (ctx instanceof Response) return ctx;
  const record = await findImport(ctx.tenant.id, id);
  if (!record) return notFoundResponse();
  const base = record.fileName.replace(/\.[^.]*$/, "") || "import";
  return new Response(workbookStream(await importReport(ctx.tenant.id, record)), {
    headers: {
      "Content-Type": XLSX_TYPE,
      "Content-Disposition": attachment(`${base} - rows to check.xlsx`),
      "Cache-Control": "no-store",
    },
  });
}
