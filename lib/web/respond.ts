import "server-only";
import type { TenantActor } from "@/lib/auth/actor";
import { env } from "@/lib/env";
import { attachment, workbookStream, XLSX_TYPE, type Sheets } from "@/lib/export/xlsx";
import { operatorAccess, tenantAccess } from "./access";
import { fromSameOrigin } from "./body";
import { failureOf } from "./errors";

/** A JSON refusal with a sentence the page shows as it is. */
export const refuse = (status: number, message: string) => Response.json({ message }, { status });

export const NOT_FOUND_MESSAGE = "This does not exist, or it is not yours to see.";
export const notFoundResponse = () => refuse(404, NOT_FOUND_MESSAGE);

/** The JSON answer for an error thrown by the work a route does (see failureOf). */
export const errorResponse = (error: unknown, where: string) => {
  const failure = failureOf(error, where);
  return refuse(failure.status, failure.message);
};

/**
 * The checks every admin route makes before any work, in one order. A state-changing request must
 * come from our own pages (403 otherwise). Without a session: 401, the same for every slug, so it
 * tells nothing about which tenants exist. Signed in as anyone but an admin of this tenant: 404,
 * exactly like a page that does not exist. With a temporary password: 403 until they choose their own.
 */
export async function adminRoute(
  request: Request,
  tenantSlug: string,
): Promise<TenantActor | Response> {
  if (request.method !== "GET" && request.method !== "HEAD") {
    if (!fromSameOrigin(request, env().PUBLIC_URL)) {
      return refuse(403, "This request did not come from Sendwell.");
    }
  }
  const access = await tenantAccess(tenantSlug, ["admin"]);
  switch (access.kind) {
    case "ok":
      return access.ctx;
    case "no_session":
      return refuse(401, "Your session has ended. Sign in again and try once more.");
    case "change_password":
      return refuse(403, "Choose your own password first, then try again.");
    case "not_found":
      return notFoundResponse();
  }
}

/** The operators' routes: 401 without a session, 404 for anyone who is not an operator. */
export async function operatorRoute(request: Request): Promise<TenantActor["actor"] | Response> {
  if (request.method !== "GET" && request.method !== "HEAD") {
    if (!fromSameOrigin(request, env().PUBLIC_URL)) {
      return refuse(403, "This request did not come from Sendwell.");
    }
  }
  const access = await operatorAccess();
  if (access.kind === "no_session")
    return refuse(401, "Your session has ended. Sign in again and try once more.");
  if (access.kind === "not_found") return notFoundResponse();
  return access.actor;
}

/** A workbook streamed as the download's body, written as it is read. */
export function xlsxResponse(sheets: Sheets, fileName: string): Response {
  return new Response(workbookStream(sheets), {
    headers: {
      "Content-Type": XLSX_TYPE,
      "Content-Disposition": attachment(fileName),
      "Cache-Control": "no-store",
    },
  });
}
