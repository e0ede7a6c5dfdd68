import { describe, expect, it } from "vitest";
import { MAX_ADDRESSES_PER_LINE, scanLog } from "./log-scan";

describe("the server log scan", () => {
  it("finds each kind of leak, and says where without repeating it", () => {
    const lines = [
      "[mail] sent 12 mails",
      "-----BEGIN PRIVATE KEY-----",
      "user row { password_hash: '$argon2id$v=19$m=19456,t=2,p=1$abc$def' }",
      "cookie: authjs.session-token=abcdefghijklmnop",
      "token eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2In0.eyJzdWIiOiIxMjM0NTY3ODkwIn0",
      "GET /t/sakura/activate?token=AbCdEfGhIjKlMnOpQrStUv",
      'body {"loginId":"hanako.s","password":"hunter2hunter2"}',
      "to: a@example.com, b@example.com, c@example.com, d@example.com",
      "the AUTH secret is s3cr3t-value-xyz",
      "AKIAABCDEFGHIJKLMNOP",
    ];
    const findings = scanLog(lines.join("\n"), ["s3cr3t-value-xyz"]);
    const byLine = new Map(findings.map((f) => [f.line, f.what]));
    expect(byLine.has(1)).toBe(false);
    for (let line = 2; line <= lines.length; line++)
      expect(byLine.has(line), `line ${line}`).toBe(true);
    expect(byLine.get(8)).toBe("a list of 4 addresses");
    expect(JSON.stringify(findings)).not.toContain("s3cr3t");
    expect(JSON.stringify(findings)).not.toContain("hunter2");
  });

  it("lets ordinary lines through: one address, a failed sign-in, short codes", () => {
    const ok = [
      "[ses-webhook] bounce for ava@bounce.example.org applied",
      "[sign-in] Wrong login ID or password",
      "[mail] retrying mail 3f2a… in 30 s (Throttling)",
      `${Array.from({ length: MAX_ADDRESSES_PER_LINE }, (_, i) => `m${i}@example.com`).join(" ")}`,
      "GET /t/sakura/login/code?c=abc",
    ];
    expect(scanLog(ok.join("\n"), ["sendwell-demo"])).toEqual([]);
  });
});
