import { adminOrNull } from "@/lib/auth/actor";
import { testMailStatus } from "@/lib/mail/test-mail";

const notFound = () => Response.json({ error: "not_found" }, { status: 404 });

export async function GET(
  _request: Request,
  { params }: { params: Promise<{ tenant: string; id: string }> },
) {
  const { tenant, id } = await params;
  const mailId = /^\d{1,15}$/.test(id) ? Number(id) : null;
  if (mailId === null) return notFound();
  const ctx = await adminOrNull(tenant);
  if (!ctx) return notFound();
  const status = await testMailStatus(ctx, mailId);
  if (!status) return notFound();
  return Response.json(status, { headers: { "Cache-Control": "no-store" } });
}
