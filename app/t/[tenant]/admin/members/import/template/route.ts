import { attachment, workbookBuffer, XLSX_TYPE } from "@/lib/export/xlsx";
import { templateCsv, templateSheets } from "@/lib/members/import/template";
import { adminRoute } from "@/lib/web/respond";

/** The member-list template: ?format=csv|xlsx, ?lang=en|ja (anything else: .xlsx, English). */
export async function GET(request: Request, { params }: { params: Promise<{ tenant: string }> }) {
  const ctx = await adminRoute(request, (await params).tenant);
  if (ctx instanceof Response) return ctx;
  const query = new URL(request.url).searchParams;
  const language = query.get("lang") === "ja" ? "ja" : "en";
  const name = language === "ja" ? "member-list-template-ja" : "member-list-template";
  if (query.get("format") === "csv") {
    return new Response(templateCsv(language), {
      headers: {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": attachment(`${name}.csv`),
        "Cache-Control": "no-store",
      },
    });
  }
  return new Response(new Uint8Array(await workbookBuffer(templateSheets(language))), {
    headers: {
      "Content-Type": XLSX_TYPE,
      "Content-Disposition": attachment(`${name}.xlsx`),
      "Cache-Control": "no-store",
    },
  });
}
