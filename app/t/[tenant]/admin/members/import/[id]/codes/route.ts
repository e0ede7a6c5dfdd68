import { reissueImportCodes } from "@/lib/members/import/commit";
import { importPost } from "@/lib/web/import-post";

/** New activation codes for an import's members without an address, returned once. */
export function POST(
  request: Request,
  { params }: { params: Promise<{ tenant: string; id: string }> },
) {
  return importPost(request, params, async (ctx, id, onProgress) => {
    onProgress({ phase: "Issuing new codes" });
    return { codes: await reissueImportCodes(ctx, id) };
  });
}
