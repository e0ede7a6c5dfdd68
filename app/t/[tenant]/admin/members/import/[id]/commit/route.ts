import { workbookBuffer } from "@/lib/export/xlsx";
import { adminPost, refuse } from "@/lib/http/admin-post";
import { progressResponse } from "@/lib/http/progress";
import { commitImport } from "@/lib/members/import/commit";
import { activationPageUrl, codesSheet } from "@/lib/members/import/report";
import { isImportId } from "@/lib/members/import/store";

/**
 * Commits an import, streaming progress. The activation codes come back once, in this response
 * (as rows to print and as a workbook): only their hashes are stored.
 */
export async function POST(
  request: Request,
  { params }: { params: Promise<{ tenant: string; id: string }> },
) {
  const { tenant, id } = await params;
  if (!isImportId(id)) return refuse(404, "This import does not exist.");
  const ctx = await adminPost(request, tenant);
  if (ctx instanceof Response) return ctx;
  return progressResponse(async (onProgress) => {
    const outcome = await commitImport(ctx, id, onProgress);
    const workbook =
      outcome.codes.length > 0
        ? (await workbookBuffer(codesSheet(ctx.tenant, outcome.codes))).toString("base64")
        : null;
    return { ...outcome, codesWorkbook: workbook, signInUrl: activationPageUrl(ctx.tenant.slug) };
  });
}
