import { workbookBuffer } from "@/lib/export/xlsx";
import { adminPost, refuse } from "@/lib/http/admin-post";
import { progressResponse } from "@/lib/http/progress";
import { reissueImportCodes } from "@/lib/members/import/commit";
import { activationPageUrl, codesSheet } from "@/lib/members/import/report";
import { isImportId } from "@/lib/members/import/store";

/** New activation codes for an import's members without an address, returned once. */
export async function POST(
  request: Request,
  { params }: { params: Promise<{ tenant: string; id: string }> },
) {
  const { tenant, id } = await params;
  if (!isImportId(id)) return refuse(404, "This import does not exist.");
  const ctx = await adminPost(request, tenant);
  if (ctx instanceof Response) return ctx;
  return progressResponse(async (onProgress) => {
    onProgress({ phase: "Issuing new codes" });
    const codes = await reissueImportCodes(ctx, id);
    const workbook = await workbookBuffer(codesSheet(ctx.tenant, codes));
    return {
      codes,
      codesWorkbook: workbook.toString("base64"),
      signInUrl: activationPageUrl(ctx.tenant.slug),
    };
  });
}
