import { adminOrNull } from "@/lib/auth/actor";
import { env } from "@/lib/env";
import { fromSameOrigin, readLimited } from "@/lib/http/body";
import { progressResponse } from "@/lib/http/progress";
import { checkUpload, uploadLimits } from "@/lib/members/import/store";

const refuse = (status: number, message: string) => Response.json({ message }, { status });

/** The file as the request body (not multipart), its name in X-File-Name, the mode in ?mode=. */
export async function POST(request: Request, { params }: { params: Promise<{ tenant: string }> }) {
  if (!fromSameOrigin(request, env().PUBLIC_URL))
    return refuse(403, "This request did not come from Sendwell.");
  const ctx = await adminOrNull((await params).tenant);
  if (!ctx) return refuse(401, "Your session has ended. Sign in again and upload the file.");
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
    name = decodeURIComponent(request.headers.get("x-file-name") ?? "upload");
  } catch {
    // A malformed name is only a label.
  }
  return progressResponse((onProgress) => checkUpload(ctx, { name, bytes }, mode, onProgress));
}
