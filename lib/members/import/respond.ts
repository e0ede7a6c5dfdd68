import "server-only";
import type { TenantActor } from "@/lib/auth/actor";
import { workbookBuffer } from "@/lib/export/xlsx";
import { adminPost, refuse } from "@/lib/http/admin-post";
import { progressResponse } from "@/lib/http/progress";
import type { IssuedCode } from "./commit";
import { activationPageUrl, codesSheet } from "./report";
import { isImportId, type OnProgress } from "./store";

/**
 * A POST on one import that may hand out activation codes (commit, new codes): the checks, then
 * the work as a progress stream whose result carries the codes once, as rows and as a workbook.
 */
export async function importPost<T extends { codes: IssuedCode[] }>(
  request: Request,
  params: Promise<{ tenant: string; id: string }>,
  work: (ctx: TenantActor, id: string, onProgress: OnProgress) => Promise<T>,
): Promise<Response> {
  const { tenant, id } = await params;
  if (!isImportId(id)) return refuse(404, "This import does not exist.");
  const ctx = await adminPost(request, tenant);
  if (ctx instanceof Response) return ctx;
  return progressResponse(async (onProgress) => {
    const result = await work(ctx, id, onProgress);
    const workbook =
      result.codes.length > 0 ? await workbookBuffer(codesSheet(ctx.tenant, result.codes)) : null;
    return {
      ...result,
      codesWorkbook: workbook?.toString("base64") ?? null,
      signInUrl: activationPageUrl(ctx.tenant.slug),
    };
  });
}
