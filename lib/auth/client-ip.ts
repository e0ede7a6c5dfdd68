/**
 * The client's address as the nearest proxy saw it. `next start` sets `x-forwarded-for` from the
 * socket; a proxy in front appends to it, so the right-most entry is the one nobody outside forged.
 */
export function clientIp(headers: Headers): string {
  const forwarded = headers.get("x-forwarded-for");
  const last = forwarded?.split(",").at(-1)?.trim();
  return (last || headers.get("x-real-ip") || "unknown").slice(0, 64);
}
