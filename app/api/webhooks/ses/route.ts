import { webhookDeps } from "@/lib/feedback/webhook-deps";
import { answerSesWebhook } from "@/lib/feedback/webhook";
import { readLimited } from "@/lib/web/body";

export async function POST(request: Request) {
  const { status, body } = await answerSesWebhook(
    {
      declaredLength: request.headers.get("content-length"),
      readBody: (limit) => readLimited(request, limit),
    },
    webhookDeps(),
  );
  return Response.json(body, { status });
}
