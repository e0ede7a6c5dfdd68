import { webhookDeps } from "@/lib/feedback/webhook-deps";
import { handleSesWebhook, MAX_BODY_BYTES } from "@/lib/feedback/webhook";
import { readLimited } from "@/lib/web/body";

export async function POST(request: Request) {
  // SNS posts JSON as text/plain: the raw body, refused as it streams once over the limit.
  const body = await readLimited(request, MAX_BODY_BYTES);
  if (body === null) return Response.json({ error: "Body over 256 KB." }, { status: 413 });
  const text = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString("utf8");
  const { status, body: payload } = await handleSesWebhook(text, webhookDeps());
  return Response.json(payload, { status });
}
