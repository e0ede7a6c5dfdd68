import { adminOrNull } from "@/lib/auth/actor";
import { env } from "@/lib/env";
import { workbookBuffer } from "@/lib/export/xlsx";
import { fromSameOrigin } from "@/lib/http/body";
import { progressResponse } from "@/lib/http/progress";
import { commitImport } from "@/lib/members/import/commit";
import { activationPageUrl, codesSheet } from "@/lib/members/import/report";
import { isImportId } from "@/lib/members/import/store";

const refuse = (status: number, message: string) => Response.json({ message }, { status });

/**
 * Commits an import, streaming progress. The activation codes come back once, in this response
 * (as rows to print and as a workbook): only their hashes are stored.
 */
export async function POST(
  request: Request,
  { params }: { params: Promise<{ tenant: string; id: string }> },
) {
  if (!fromSameOrigin(request, env().PUBLIC_URL))
    return refuse(403, "This request did not come from Sendwell.");
  const { tenant, id } = await params;
  if (!isImportId(id)) return refuse(404, "This import does not exist.");
  const ctx = await adminOrNull(tenant);
  if (!ctx) return refuse(401, "Your session has ended. Sign in again and commit the import.");
  return progressResponse(async (onProgress) => {
    const outcome = await commitImport(ctx, id, onProgress);
    const workbook =
      outcome.codes.length > 0
        ? (await workbookBuffer(codesSheet(ctx.tenant, outcome.codes))).toString("base64")
        : null;
    return { ...outcome, codesWorkbook: workbook, signInUrl: activationPageUrl(ctx.tenant.slug) };
  });
}
