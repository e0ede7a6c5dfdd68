import "server-only";
import type { TenantActor } from "@/lib/auth/actor";
import { workbookBuffer } from "@/lib/export/xlsx";
import type { IssuedCode } from "@/lib/members/import/commit";
import { activationPageUrl, codesSheet } from "@/lib/members/import/report";
import { findImport } from "@/lib/members/import/records";
import type { OnProgress } from "@/lib/members/import/rows";
import { progressResponse } from "./progress";
import { adminRoute, notFoundResponse } from "./respond";

/**
 * A POST on one import that may hand out activation codes (commit, new codes): the checks, the
 * import loaded by id and tenant (404 otherwise, before the stream starts), then the work as a
 * progress stream whose result carries the codes once, as rows and as a workbook.
 */
export async function importPost<T extends { codes: IssuedCode[] }>(
  request: Request,
  params: Promise<{ tenant: string; id: string }>,
  work: (ctx: TenantActor, id: string, onProgress: OnProgress) => Promise<T>,
): Promise<Response> {
  const { tenant, id } = await params;
  const ctx = await adminRoute(request, tenant);
  if (ctx instanceof Response) return ctx;
  if (!(await findImport(ctx.tenant.id, id))) return notFoundResponse();
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
