import { commitImport } from "@/lib/members/import/commit";
import { importPost } from "@/lib/web/import-post";

/** Commits an import, streaming progress; the activation codes come back once, in this answer. */
export function POST(
  request: Request,
  { params }: { params: Promise<{ tenant: string; id: string }> },
) {
  return importPost(request, params, commitImport);
}
