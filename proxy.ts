import { NextResponse, type NextRequest } from "next/server";

/**
 * Optimistic only: sends visitors without any session cookie to the right sign-in page. The real
 * checks are in the data layer (`requireAdmin` and friends), which run on every request.
 */
export function proxy(request: NextRequest) {
  const hasSession = request.cookies
    .getAll()
    .some((c) => /^(__Secure-)?authjs\.session-token(\.\d+)?$/.test(c.name));
  if (hasSession) return NextResponse.next();

  const { pathname, search } = request.nextUrl;
  const next = encodeURIComponent(pathname + search);
  if (pathname === "/ops" || pathname.startsWith("/ops/")) {
    return NextResponse.redirect(new URL(`/login?next=${next}`, request.url));
  }
  const tenantPage = /^\/t\/([a-z0-9-]{1,40})(\/(admin|messages)(\/.*)?)?$/.exec(pathname);
  if (tenantPage) {
    return NextResponse.redirect(new URL(`/t/${tenantPage[1]}/login?next=${next}`, request.url));
  }
  return NextResponse.next();
}

export const config = {
  matcher: ["/ops/:path*", "/t/:tenant", "/t/:tenant/admin/:path*", "/t/:tenant/messages/:path*"],
};
