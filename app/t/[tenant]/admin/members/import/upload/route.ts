import { stripControlCharacters } from "@/lib/input/control";
import { checkUpload, uploadLimits } from "@/lib/members/import/upload";
import { readLimited } from "@/lib/web/body";
import { progressResponse } from "@/lib/web/progress";
import { adminRoute, refuse } from "@/lib/web/respond";

/** The file as the request body (not multipart), its name in X-File-Name, the mode in ?mode=. */
export async function POST(request: Request, { params }: { params: Promise<{ tenant: string }> }) {
  const ctx = await adminRoute(request, (await params).tenant);
  if (ctx instanceof Response) return ctx;
  const mode =
    new URL(request.url).searchParams.get("mode") === "create_and_update"
      ? "create_and_update"
      : "create_only";
  const { maxBytes } = uploadLimits();
  const bytes = await readLimited(request, maxBytes);
  if (bytes === null) {
    return refuse(
      413,
      `The file is over the limit of ${Math.round(maxBytes / 1024 / 1024)} MB. Split it into smaller files and upload them one by one.`,
    );
  }
  let name = "upload";
  try {
    name = stripControlCharacters(
      decodeURIComponent(request.headers.get("x-file-name") ?? "upload"),
    );
  } catch {
    // A malformed name is only a label.
  }
  return progressResponse((onProgress) => checkUpload(ctx, { name, bytes }, mode, onProgress));
}
