import { adminOrNull } from "@/lib/auth/actor";
import { env } from "@/lib/env";
import { workbookBuffer } from "@/lib/export/xlsx";
import { fromSameOrigin } from "@/lib/http/body";
import { progressResponse } from "@/lib/http/progress";
import { reissueImportCodes } from "@/lib/members/import/commit";
import { activationPageUrl, codesSheet } from "@/lib/members/import/report";
import { isImportId } from "@/lib/members/import/store";

const refuse = (status: number, message: string) => Response.json({ message }, { status });

/** New activation codes for an import's members without an address, returned once. */
export async function POST(
  request: Request,
  { params }: { params: Promise<{ tenant: string; id: string }> },
) {
  if (!fromSameOrigin(request, env().PUBLIC_URL)) {
    return refuse(403, "This request did not come from Sendwell.");
  }
  const { tenant, id } = await params;
  if (!isImportId(id)) return refuse(404, "This import does not exist.");
  const ctx = await adminOrNull(tenant);
  if (!ctx) return refuse(401, "Your session has ended. Sign in again and try once more.");
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
