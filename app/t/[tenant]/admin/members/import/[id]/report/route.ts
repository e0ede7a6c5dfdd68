import { adminOrNull } from "@/lib/auth/actor";
import { attachment, workbookStream, XLSX_TYPE } from "@/lib/export/xlsx";
import { importReport } from "@/lib/members/import/report";
import { findImport } from "@/lib/members/import/store";

/** The rows that need attention, as a workbook, streamed. */
export async function GET(
  _request: Request,
  { params }: { params: Promise<{ tenant: string; id: string }> },
) {
  const { tenant, id } = await params;
  const ctx = await adminOrNull(tenant);
  const record = ctx ? await findImport(ctx.tenant.id, id) : null;
  if (!ctx || !record) return Response.json({ error: "not_found" }, { status: 404 });
  const base = record.fileName.replace(/\.[^.]*$/, "") || "import";
  return new Response(workbookStream(await importReport(ctx.tenant.id, record)), {
    headers: {
      "Content-Type": XLSX_TYPE,
      "Content-Disposition": attachment(`${base} - rows to check.xlsx`),
      "Cache-Control": "no-store",
    },
  });
}
