import { describe, expect, it } from "vitest";
import { contentSecurityPolicy, makeNonce } from "./headers";

describe("the Content-Security-Policy", () => {
  it("gets a fresh 16-byte nonce each time", () => {
    const nonces = new Set(Array.from({ length: 1000 }, makeNonce));
    expect(nonces.size).toBe(1000);
    for (const n of nonces) expect(Buffer.from(n, "base64")).toHaveLength(16);
  });

  it("lets scripts run only with the nonce in production, and eval only in development", () => {
    const prod = contentSecurityPolicy("abc", { dev: false });
    const script = /script-src ([^;]*)/.exec(prod)![1];
    expect(script).toBe("'self' 'nonce-abc' 'strict-dynamic'");
    expect(prod).toContain("frame-ancestors 'none'");
    expect(prod).toContain("object-src 'none'");
    expect(prod).toContain("base-uri 'self'");
    expect(prod).not.toContain("unsafe-eval");
    expect(contentSecurityPolicy("abc", { dev: true })).toContain("'unsafe-eval'");
  });
});
