import { cleanParams } from "@/lib/input/control";
import { attachment, workbookStream, XLSX_TYPE } from "@/lib/export/xlsx";
import { memberCsvStream, memberSheets } from "@/lib/members/export";
import { parseMemberQuery } from "@/lib/members/list-query";
import { adminRoute } from "@/lib/web/respond";

/** The member table with its current filters and sort, streamed: ?format=csv, otherwise .xlsx. */
export async function GET(request: Request, { params }: { params: Promise<{ tenant: string }> }) {
  const ctx = await adminRoute(request, (await params).tenant);
  if (ctx instanceof Response) return ctx;
  const url = new URL(request.url);
  const query = parseMemberQuery(cleanParams(Object.fromEntries(url.searchParams)).params);
  const csv = url.searchParams.get("format") === "csv";
  const name = `${ctx.tenant.slug} members.${csv ? "csv" : "xlsx"}`;
  return new Response(
    csv
      ? memberCsvStream(ctx.tenant.id, query)
      : workbookStream(memberSheets(ctx.tenant.id, query)),
    {
      headers: {
        "Content-Type": csv ? "text/csv; charset=utf-8" : XLSX_TYPE,
        "Content-Disposition": attachment(name),
        "Cache-Control": "no-store",
      },
    },
  );
}
