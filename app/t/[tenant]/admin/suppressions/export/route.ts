import { attachment, workbookStream, XLSX_TYPE } from "@/lib/export/xlsx";
import { suppressionSheets } from "@/lib/suppressions/export";
import { adminRoute } from "@/lib/web/respond";

/** The tenant's suppression list as a workbook, streamed. */
export async function GET(request: Request, { params }: { params: Promise<{ tenant: string }> }) {
  const ctx = await adminRoute(request, (await params).tenant);
  if (ctx instanceof Response) return ctx;
  return new Response(workbookStream(await suppressionSheets(ctx.tenant.id)), {
    headers: {
      "Content-Type": XLSX_TYPE,
      "Content-Disposition": attachment(`${ctx.tenant.slug} suppressions.xlsx`),
      "Cache-Control": "no-store",
    },
  });
}
