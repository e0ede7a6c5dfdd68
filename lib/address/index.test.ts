import { describe, expect, it } from "vitest";
import { ALL_FIXTURES } from "@/test/fixtures/addresses";
import { DomainChecker, type DnsResolver } from "./domain-verdict";
import { checkAddress, checkAddressSyntax } from "./index";

describe("checkAddressSyntax", () => {
  it.each(ALL_FIXTURES.map((f) => [JSON.stringify(f.input), f] as const))("%s", (_, fixture) => {
    const check = checkAddressSyntax(fixture.input);
    expect(check).toMatchObject({ input: fixture.input, ...fixture.expect });
  });

  it("covers every kind of problem", () => {
    const seen = new Set<string | null>(ALL_FIXTURES.map((f) => f.expect.problem));
    for (const problem of [
      "empty",
      "too_long",
      "control_character",
      "whitespace",
      "no_at",
      "quoted_local_part",
      "comment",
      "bad_local_part",
      "bad_domain",
    ])
      expect(seen.has(problem), problem).toBe(true);
  });

  it("never hands back an address that still holds a line break or a control character", () => {
    for (const { input } of ALL_FIXTURES) {
      const { address } = checkAddressSyntax(input);
      if (address !== null) expect(address, JSON.stringify(input)).not.toMatch(/[\x00-\x1f\x7f]/);
    }
  });

  it("gives flags only for usable addresses", () => {
    expect(checkAddressSyntax("info@mailinator.com")).toMatchObject({
      disposable: true,
      role: true,
    });
    expect(checkAddressSyntax("info(x)@mailinator.com")).toMatchObject({
      address: null,
      problem: "comment",
      disposable: false,
      role: false,
    });
  });
});

describe("checkAddress", () => {
  const queried: string[] = [];
  const resolver: DnsResolver = {
    async resolveMx(domain) {
      queried.push(domain);
      if (domain === "dead.example.jp") throw Object.assign(new Error("nx"), { code: "ENOTFOUND" });
      return [{ exchange: `mx.${domain}`, priority: 10 }];
    },
    resolve4: async () => [],
    resolve6: async () => [],
  };
  const checker = new DomainChecker({ resolver });

  it("adds the domain verdict to a usable address", async () => {
    expect(await checkAddress("Taro@Example.JP", checker)).toMatchObject({
      address: "Taro@example.jp",
      problem: null,
      domain: { status: "ok", reason: "mx" },
    });
    expect(await checkAddress("taro@dead.example.jp", checker)).toMatchObject({
      domain: { status: "not_found", reason: "nxdomain" },
    });
  });

  it("looks nothing up for an unusable address", async () => {
    queried.length = 0;
    expect(await checkAddress("a@b.com\r\nBcc: x@evil.example.jp", checker)).toMatchObject({
      address: null,
      problem: "control_character",
      domain: null,
    });
    expect(queried).toEqual([]);
  });
});
