import "server-only";
/**
 * Reads a request body, giving up as soon as it passes `limit` bytes (the declared length is
 * checked first), so an oversized upload never sits in memory. Null when it is too large.
 */
export async function readLimited(request: Request, limit: number): Promise<Uint8Array | null> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > limit) return null;
  if (!request.body) return new Uint8Array(0);
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
  return Buffer.concat(chunks);
}

/**
 * A state-changing request must come from our own pages: its Origin names this host, as the
 * browser reached it (Host, or X-Forwarded-Host behind a proxy) or as PUBLIC_URL says.
 */
export function fromSameOrigin(request: Request, publicUrl?: string): boolean {
  const origin = request.headers.get("origin");
  if (!origin) return false;
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    return false;
  }
  const allowed = [
    request.headers.get("host"),
    request.headers.get("x-forwarded-host")?.split(",")[0]?.trim(),
  ];
  if (publicUrl) allowed.push(new URL(publicUrl).host);
  return allowed.includes(host);
}
