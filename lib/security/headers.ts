/**
 * The response headers that guard every page (issue 15, item 5). Pure, so proxy.ts, next.config
 * and the tests share one definition.
 */

/** A fresh, unguessable nonce for one response: 16 random bytes, base64. */
export function makeNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes));
}

/**
 * The Content-Security-Policy of a page. Scripts run only with this response's nonce (Next.js puts
 * it on its own scripts when it finds the policy on the request) or when loaded by such a script
 * ('strict-dynamic'). Styles allow 'unsafe-inline': sonner and Radix insert <style> elements at
 * run time without a nonce, and a style cannot run code. `next dev` needs eval for its overlay.
 */
export function contentSecurityPolicy(nonce: string, options: { dev: boolean }): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${options.dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src 'self'${options.dev ? " ws:" : ""}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}
