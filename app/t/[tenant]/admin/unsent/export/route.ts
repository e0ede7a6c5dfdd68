import { ledgerDownload } from "@/lib/unsent/export";
import { filterOf, ledgerQuery } from "@/lib/unsent/view";
import { adminRoute, xlsxResponse } from "@/lib/web/respond";

/** The tenant's unsent ledger as a workbook, streamed, for the period and filters of the page. */
export async function GET(request: Request, { params }: { params: Promise<{ tenant: string }> }) {
  const ctx = await adminRoute(request, (await params).tenant);
  if (ctx instanceof Response) return ctx;
  const query = await ledgerQuery(new URL(request.url).searchParams);
  const workbook = await ledgerDownload(
    { tenantId: ctx.tenant.id },
    filterOf(query),
    { tenantName: ctx.tenant.name, slug: ctx.tenant.slug, periodLabel: query.period.label },
    request.signal,
  );
  return xlsxResponse(workbook.sheets, workbook.fileName);
}
