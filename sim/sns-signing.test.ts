import { X509Certificate } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createSigningIdentity } from "./sns-signing";

describe("createSigningIdentity", () => {
  // The serial number once had a 1-in-128 chance of a non-minimal DER encoding, which made the
  // certificate unparseable and the demo's feedback simulator (and a test) fail at random.
  it("makes certificates that always parse", () => {
    for (let i = 0; i < 400; i++) {
      const { certificatePem } = createSigningIdentity({ modulusLength: 1024 });
      expect(() => new X509Certificate(certificatePem).publicKey, `identity ${i}`).not.toThrow();
    }
    // 400 RSA key pairs: about 3.5 s on a quiet 2-core machine, more under load.
  }, 30_000);
});
