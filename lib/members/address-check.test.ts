import { describe, expect, it } from "vitest";
import { checkAddressSyntax } from "@/lib/address";
import { storedAddressWarning } from "./address-check";

describe("storedAddressWarning", () => {
  it("suggests the fix with each address's own local part, the domain's typo search done once", () => {
    expect(storedAddressWarning("taro@gmial.com")).toEqual({
      code: "typo_suggestion",
      label: "Likely typo",
      text: "Did you mean taro@gmail.com? taro@gmial.com looks like a typo.",
      suggestion: "taro@gmail.com",
    });
    // The same domain again, from the checker's memory: the local part is this address's.
    expect(storedAddressWarning("Hanako.Y@gmial.com")?.suggestion).toBe("Hanako.Y@gmail.com");
    expect(storedAddressWarning("hanako.y@gmial.com")?.suggestion).toBe(
      checkAddressSyntax("hanako.y@gmial.com").suggestion,
    );
  });

  it("says nothing about a sound address or none", () => {
    expect(storedAddressWarning("taro@gmail.com")).toBeNull();
    expect(storedAddressWarning("taro@gmail.com")).toBeNull();
    expect(storedAddressWarning(null)).toBeNull();
    expect(storedAddressWarning("")).toBeNull();
  });

  it("answers as the uncached check for many distinct domains in a row", () => {
    for (let i = 0; i < 300; i++) {
      const email = `m${i}@gmial${i % 7 === 0 ? "" : i}.com`;
      const expected = checkAddressSyntax(email).suggestion;
      expect(storedAddressWarning(email)?.suggestion ?? null, email).toBe(expected);
    }
  });
});
