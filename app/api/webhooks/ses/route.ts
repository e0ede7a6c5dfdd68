import { webhookDeps } from "@/lib/feedback/runtime";
import { handleSesWebhook, MAX_BODY_BYTES } from "@/lib/feedback/webhook";

/** Reads the raw body (SNS posts JSON as text/plain), refusing anything over the limit as it streams. */
async function readLimited(request: Request, limit: number): Promise<string | null> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > limit) return null;
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

export async function POST(request: Request) {
  const body = await readLimited(request, MAX_BODY_BYTES);
  if (body === null) return Response.json({ error: "Body over 256 KB." }, { status: 413 });
  const { status, body: payload } = await handleSesWebhook(body, webhookDeps());
  return Response.json(payload, { status });
}
