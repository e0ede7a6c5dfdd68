import { afterEach, describe, expect, it } from "vitest";
import {
  DomainChecker,
  defaultDomainChecker,
  setDefaultDomainChecker,
  type DnsResolver,
  type DomainCheckerOptions,
} from "./domain-verdict";
import { domainOf } from "./normalise";

type Mx = { exchange: string; priority: number };
// An answer, a DNS error code to throw, or a query that never returns.
type Answer<T> = T | { error: string | null } | "hang";
type Zone = { mx?: Answer<Mx[]>; a?: Answer<string[]>; aaaa?: Answer<string[]> };

const MX: Mx[] = [{ exchange: "mx.example.net", priority: 10 }];
const fail = (error: string | null) => ({ error });

/** Answers from a table, counts every query and the most that were ever in flight at once. */
class FakeResolver implements DnsResolver {
  readonly queries: string[] = [];
  inFlight = 0;
  maxInFlight = 0;

  constructor(
    private readonly zones: (domain: string) => Zone | undefined,
    private readonly delayMs = 0,
  ) {}

  count(query: string): number {
    return this.queries.filter((q) => q === query).length;
  }

  resolveMx(domain: string) {
    return this.answer("mx", domain, (z) => z.mx);
  }
  resolve4(domain: string) {
    return this.answer("a", domain, (z) => z.a);
  }
  resolve6(domain: string) {
    return this.answer("aaaa", domain, (z) => z.aaaa);
  }

  private async answer<T>(kind: string, domain: string, pick: (z: Zone) => Answer<T> | undefined) {
    this.queries.push(`${kind} ${domain}`);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
      const zone = this.zones(domain);
      // No zone at all is NXDOMAIN; a zone without this record type is NODATA.
      const answer = zone === undefined ? fail("ENOTFOUND") : (pick(zone) ?? fail("ENODATA"));
      if (answer === "hang") return await new Promise<T>(() => {});
      if (typeof answer === "object" && answer !== null && "error" in answer) {
        const error = new Error(`query ${answer.error} ${domain}`);
        throw answer.error === null ? error : Object.assign(error, { code: answer.error });
      }
      return answer as T;
    } finally {
      this.inFlight--;
    }
  }
}

const checkerFor = (zones: Record<string, Zone>, options: DomainCheckerOptions = {}) => {
  const resolver = new FakeResolver((d) => zones[d]);
  return { resolver, checker: new DomainChecker({ resolver, ...options }) };
};

describe("DomainChecker verdicts", () => {
  it.each<[string, string, string, Zone | undefined]>([
    ["an MX", "ok", "mx", { mx: MX }],
    ["a null MX (empty exchange)", "not_found", "null_mx", { mx: [{ exchange: "", priority: 0 }] }],
    ["a null MX (root)", "not_found", "null_mx", { mx: [{ exchange: ".", priority: 0 }] }],
    ["a '.' beside a real MX", "ok", "mx", { mx: [{ exchange: ".", priority: 0 }, ...MX] }],
    ["NXDOMAIN", "not_found", "nxdomain", undefined],
    ["no MX but an A", "ok", "a_record", { a: ["192.0.2.1"] }],
    ["no MX but an AAAA", "ok", "a_record", { aaaa: ["2001:db8::1"] }],
    ["an empty MX answer and an A", "ok", "a_record", { mx: [], a: ["192.0.2.1"] }],
    ["no MX, no A, no AAAA", "not_found", "no_mx_no_a", {}],
    [
      "no MX, A and AAAA NXDOMAIN",
      "not_found",
      "no_mx_no_a",
      { a: fail("ENOTFOUND"), aaaa: fail("ENOTFOUND") },
    ],
    ["no MX, empty A and AAAA", "not_found", "no_mx_no_a", { a: [], aaaa: [] }],
    ["SERVFAIL", "unknown", "dns_error:ESERVFAIL", { mx: fail("ESERVFAIL") }],
    ["REFUSED", "unknown", "dns_error:EREFUSED", { mx: fail("EREFUSED") }],
    ["connection refused", "unknown", "dns_error:ECONNREFUSED", { mx: fail("ECONNREFUSED") }],
    ["the resolver's timeout", "unknown", "timeout", { mx: fail("ETIMEOUT") }],
    ["an error without a code", "unknown", "dns_error:UNKNOWN", { mx: fail(null) }],
    ["no MX, A SERVFAIL, no AAAA", "unknown", "dns_error:ESERVFAIL", { a: fail("ESERVFAIL") }],
    [
      "no MX, A SERVFAIL, an AAAA",
      "ok",
      "a_record",
      { a: fail("ESERVFAIL"), aaaa: ["2001:db8::1"] },
    ],
  ])("%s -> %s/%s", async (_, status, reason, zone) => {
    const { checker } = checkerFor(zone ? { "example.jp": zone } : {});
    expect(await checker.verdict("example.jp")).toEqual({ status, reason });
  });

  it("asks for A and AAAA only when there is no MX, and stops at the first address", async () => {
    const { resolver, checker } = checkerFor({
      "mx.jp": { mx: MX },
      "a.jp": { a: ["192.0.2.1"], aaaa: ["2001:db8::1"] },
    });
    await checker.verdicts(["mx.jp", "nx.jp", "a.jp"]);
    expect(resolver.queries.sort()).toEqual(["a a.jp", "mx a.jp", "mx mx.jp", "mx nx.jp"]);
  });

  it("treats a resolver that throws instead of rejecting as a DNS error", async () => {
    const broken: DnsResolver = {
      resolveMx: () => {
        throw Object.assign(new Error("boom"), { code: "EBADRESP" });
      },
      resolve4: async () => [],
      resolve6: async () => [],
    };
    const checker = new DomainChecker({ resolver: broken });
    expect(await checker.verdict("example.jp")).toEqual({
      status: "unknown",
      reason: "dns_error:EBADRESP",
    });
  });
});

describe("DomainChecker cache", () => {
  const zones: Record<string, Zone> = {
    "ok.jp": { mx: MX },
    "gone.jp": { mx: [{ exchange: "", priority: 0 }] },
    "flaky.jp": { mx: fail("ESERVFAIL") },
  };
  const ttl = { okTtlMs: 6_000, notFoundTtlMs: 3_000, unknownTtlMs: 1_000 };

  it.each([
    ["ok.jp", "ok", ttl.okTtlMs],
    ["gone.jp", "not_found", ttl.notFoundTtlMs],
    ["flaky.jp", "unknown", ttl.unknownTtlMs],
  ] as const)("keeps %s (%s) for its TTL, then asks again", async (domain, status, life) => {
    let now = 1_000_000;
    const { resolver, checker } = checkerFor(zones, { ...ttl, now: () => now });
    expect(checker.cached(domain)).toBeUndefined();
    expect((await checker.verdict(domain)).status).toBe(status);
    expect(checker.cached(domain)?.status).toBe(status);

    now += life - 1;
    await checker.verdict(domain);
    expect(resolver.count(`mx ${domain}`)).toBe(1);

    now += 1;
    expect(checker.cached(domain)).toBeUndefined();
    await checker.verdict(domain);
    expect(resolver.count(`mx ${domain}`)).toBe(2);
  });

  it("uses 6 h, 1 h and 60 s by default", async () => {
    let now = 0;
    const { resolver, checker } = checkerFor(zones, { now: () => now });
    await checker.verdicts(Object.keys(zones));
    now = 60_000 - 1;
    expect(checker.cached("flaky.jp")).toBeDefined();
    now = 60_000;
    expect(checker.cached("flaky.jp")).toBeUndefined();
    now = 3_600_000 - 1;
    expect(checker.cached("gone.jp")).toBeDefined();
    now = 3_600_000;
    expect(checker.cached("gone.jp")).toBeUndefined();
    now = 6 * 3_600_000 - 1;
    expect(checker.cached("ok.jp")).toBeDefined();
    now = 6 * 3_600_000;
    expect(checker.cached("ok.jp")).toBeUndefined();
    expect(resolver.queries).toHaveLength(3);
  });

  it("shares one lookup among concurrent calls for a domain, whatever its case", async () => {
    const resolver = new FakeResolver((d) => zones[d], 5);
    const checker = new DomainChecker({ resolver });
    const all = await Promise.all([
      ...Array.from({ length: 20 }, () => checker.verdict("ok.jp")),
      checker.verdict("OK.JP"),
      checker.verdict("ok.jp."),
    ]);
    expect(new Set(all.map((v) => JSON.stringify(v)))).toEqual(
      new Set([JSON.stringify({ status: "ok", reason: "mx" })]),
    );
    expect(resolver.queries).toEqual(["mx ok.jp"]);
    expect(checker.cached("Ok.Jp")).toEqual({ status: "ok", reason: "mx" });
  });

  it("evicts the oldest entries beyond maxEntries", async () => {
    const { resolver, checker } = checkerFor(
      { "a.jp": { mx: MX }, "b.jp": { mx: MX }, "c.jp": { mx: MX }, "d.jp": { mx: MX } },
      { maxEntries: 3 },
    );
    for (const d of ["a.jp", "b.jp", "c.jp", "d.jp"]) await checker.verdict(d);
    expect(checker.cached("a.jp")).toBeUndefined();
    for (const d of ["b.jp", "c.jp", "d.jp"]) expect(checker.cached(d), d).toBeDefined();
    await checker.verdict("a.jp");
    expect(resolver.count("mx a.jp")).toBe(2);
    expect(checker.cached("b.jp")).toBeUndefined();
  });

  it("refuses nonsense limits", () => {
    expect(() => new DomainChecker({ concurrency: 0 })).toThrow(RangeError);
    expect(() => new DomainChecker({ maxEntries: 1.5 })).toThrow(RangeError);
  });
});

describe("DomainChecker batches, concurrency and timeouts", () => {
  it("looks each of 50 domains up once for 100,000 addresses", async () => {
    const resolver = new FakeResolver((d) => (d.endsWith(".dead.jp") ? undefined : { mx: MX }));
    const checker = new DomainChecker({ resolver });
    const addresses = Array.from(
      { length: 100_000 },
      (_, i) => `user${i}@school${i % 50}${i % 50 < 10 ? ".dead.jp" : ".ac.jp"}`,
    );
    const verdicts = await checker.verdicts(addresses.map(domainOf));
    expect(verdicts.size).toBe(50);
    expect(resolver.queries).toHaveLength(50);
    expect(new Set(resolver.queries).size).toBe(50);
    expect(verdicts.get("school3.dead.jp")).toEqual({ status: "not_found", reason: "nxdomain" });
    expect(verdicts.get("school42.ac.jp")).toEqual({ status: "ok", reason: "mx" });

    // A second batch is answered from the cache.
    await checker.verdicts(addresses.map(domainOf));
    expect(resolver.queries).toHaveLength(50);
  });

  it("keys batch results by the domains as given", async () => {
    const { resolver, checker } = checkerFor({ "ok.jp": { mx: MX } });
    const verdicts = await checker.verdicts(["ok.jp", "OK.jp", "ok.jp"]);
    expect([...verdicts.keys()]).toEqual(["ok.jp", "OK.jp"]);
    expect(resolver.queries).toEqual(["mx ok.jp"]);
  });

  it("never has more lookups in flight than the limit, across batches and single calls", async () => {
    // No MX, so each lookup makes three queries in a row: they must still count as one slot.
    const resolver = new FakeResolver(() => ({ aaaa: ["2001:db8::1"] }), 2);
    const checker = new DomainChecker({ resolver, concurrency: 4 });
    const domains = Array.from({ length: 40 }, (_, i) => `d${i}.jp`);
    await Promise.all([
      checker.verdicts(domains.slice(0, 30)),
      ...domains.slice(30).map((d) => checker.verdict(d)),
    ]);
    expect(resolver.queries).toHaveLength(120);
    expect(resolver.maxInFlight).toBe(4);
  });

  it("uses 16 at a time by default", async () => {
    const resolver = new FakeResolver(() => ({ mx: MX }), 2);
    const checker = new DomainChecker({ resolver });
    await checker.verdicts(Array.from({ length: 100 }, (_, i) => `d${i}.jp`));
    expect(resolver.maxInFlight).toBe(16);
  });

  it("calls a hung lookup unknown after timeoutMs, caches that briefly, and frees its slot", async () => {
    let now = 0;
    const { resolver, checker } = checkerFor(
      { "hung.jp": { mx: "hang" }, "ok.jp": { mx: MX }, "slow-a.jp": { a: "hang" } },
      { timeoutMs: 30, concurrency: 1, now: () => now },
    );
    const started = performance.now();
    expect(await checker.verdict("hung.jp")).toEqual({ status: "unknown", reason: "timeout" });
    expect(performance.now() - started).toBeGreaterThanOrEqual(25);
    // The only slot was the hung one's; the next domain must still get through.
    expect(await checker.verdict("ok.jp")).toEqual({ status: "ok", reason: "mx" });
    // The deadline covers the whole lookup, not just the MX query.
    expect(await checker.verdict("slow-a.jp")).toEqual({ status: "unknown", reason: "timeout" });

    await checker.verdict("hung.jp");
    expect(resolver.count("mx hung.jp")).toBe(1);
    now = 60_000;
    await checker.verdict("hung.jp");
    expect(resolver.count("mx hung.jp")).toBe(2);
  });

  it("starts the deadline when a lookup starts, not while it waits for a slot", async () => {
    const resolver = new FakeResolver(() => ({ mx: MX }), 20);
    const checker = new DomainChecker({ resolver, concurrency: 1, timeoutMs: 50 });
    const verdicts = await checker.verdicts(["a.jp", "b.jp", "c.jp", "d.jp", "e.jp"]);
    expect([...verdicts.values()].every((v) => v.status === "ok")).toBe(true);
  });
});

describe("the process-wide checker", () => {
  const original = defaultDomainChecker();
  afterEach(() => setDefaultDomainChecker(original));

  it("is one instance until replaced", async () => {
    expect(defaultDomainChecker()).toBe(original);
    expect(defaultDomainChecker()).toBeInstanceOf(DomainChecker);
    const { checker } = checkerFor({ "ok.jp": { mx: MX } });
    setDefaultDomainChecker(checker);
    expect(defaultDomainChecker()).toBe(checker);
    expect(await defaultDomainChecker().verdict("ok.jp")).toEqual({ status: "ok", reason: "mx" });
  });
});
