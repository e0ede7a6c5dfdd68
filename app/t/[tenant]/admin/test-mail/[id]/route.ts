import { testMailStatus } from "@/lib/mail/probe";
import { adminRoute, notFoundResponse } from "@/lib/web/respond";

export async function GET(
  request: Request,
  { params }: { params: Promise<{ tenant: string; id: string }> },
) {
  const { tenant, id } = await params;
  const mailId = /^\d{1,15}$/.test(id) ? Number(id) : null;
  if (mailId === null) return notFoundResponse();
  const ctx = await adminRoute(request, tenant);
  if (ctx instanceof Response) return ctx;
  const status = await testMailStatus(ctx, mailId);
  if (!status) return notFoundResponse();
  return Response.json(status, { headers: { "Cache-Control": "no-store" } });
}
