import { findTenantBySlug } from "@/lib/tenants/tenants";
import { ledgerDownload } from "@/lib/unsent/export";
import { filterOf, ledgerQuery } from "@/lib/unsent/view";
import { notFoundResponse, operatorRoute, xlsxResponse } from "@/lib/web/respond";

/** For operators: one tenant's unsent ledger (`?tenant=<slug>`), or every tenant's in one workbook. */
export async function GET(request: Request) {
  const actor = await operatorRoute(request);
  if (actor instanceof Response) return actor;
  const url = new URL(request.url);
  const slug = url.searchParams.get("tenant");
  const tenant = slug ? await findTenantBySlug(slug) : null;
  if (slug && !tenant) return notFoundResponse();
  const query = await ledgerQuery(url.searchParams);
  const workbook = await ledgerDownload(
    tenant ? { tenantId: tenant.id } : { allTenants: true },
    filterOf(query),
    {
      tenantName: tenant?.name ?? null,
      slug: tenant?.slug ?? null,
      periodLabel: query.period.label,
    },
    request.signal,
  );
  return xlsxResponse(workbook.sheets, workbook.fileName);
}
