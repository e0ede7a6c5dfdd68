import { NextResponse, type NextRequest } from "next/server";
import { refuseOversizedPost } from "@/lib/security/body-limit";
import { contentSecurityPolicy, makeNonce } from "@/lib/security/headers";

/**
 * Runs before every page: gives the response a Content-Security-Policy with a fresh nonce (Next.js
 * reads the policy from the request and puts the nonce on its scripts), and sends visitors without
 * any session cookie to the right sign-in page. That redirect is optimistic only: the real checks
 * are in the data layer (`requireAdmin` and friends), which run on every request. A post too large
 * for a server action is answered here with a sentence, before Next.js reads it (body-limit.ts).
 */
export function proxy(request: NextRequest) {
  const refused = refuseOversizedPost(request.method, request.headers);
  if (refused) return refused;
  const csp = contentSecurityPolicy(makeNonce(), { dev: process.env.NODE_ENV === "development" });
  const signIn = signInRedirect(request);
  if (signIn) {
    signIn.headers.set("Content-Security-Policy", csp);
    return signIn;
  }
  const headers = new Headers(request.headers);
  headers.set("Content-Security-Policy", csp);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("Content-Security-Policy", csp);
  return response;
}

function signInRedirect(request: NextRequest): NextResponse | null {
  const hasSession = request.cookies
    .getAll()
    .some((c) => /^(__Secure-)?authjs\.session-token(\.\d+)?$/.test(c.name));
  if (hasSession) return null;

  const { pathname, search } = request.nextUrl;
  const next = encodeURIComponent(pathname + search);
  if (pathname === "/ops" || pathname.startsWith("/ops/")) {
    return NextResponse.redirect(new URL(`/login?next=${next}`, request.url));
  }
  const tenantPage = /^\/t\/([a-z0-9-]{1,40})(\/(admin|messages)(\/.*)?)?$/.exec(pathname);
  if (tenantPage) {
    return NextResponse.redirect(new URL(`/t/${tenantPage[1]}/login?next=${next}`, request.url));
  }
  return null;
}

export const config = {
  // Every page; not API routes (webhooks, downloads: no HTML, and the webhook must stay cheap),
  // nor Next.js's static files and images.
  matcher: ["/((?!api/|_next/static/|_next/image|favicon\\.ico|samples/).*)"],
};
