import "server-only";
import { adminOrNull, type TenantActor } from "@/lib/auth/actor";
import { env } from "@/lib/env";
import { fromSameOrigin } from "./body";

/** A JSON refusal with a sentence the page shows as it is. */
export const refuse = (status: number, message: string) => Response.json({ message }, { status });

/**
 * The checks every admin POST route makes before any work: it comes from our own pages, and the
 * session is an admin of this tenant. The admin, or the response to send instead.
 */
export async function adminPost(
  request: Request,
  tenantSlug: string,
): Promise<TenantActor | Response> {
  if (!fromSameOrigin(request, env().PUBLIC_URL)) {
    return refuse(403, "This request did not come from Sendwell.");
  }
  const ctx = await adminOrNull(tenantSlug);
  return ctx ?? refuse(401, "Your session has ended. Sign in again and try once more.");
}
