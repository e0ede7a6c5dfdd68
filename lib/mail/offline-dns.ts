import type { DnsResolver } from "@/lib/address/domain-verdict";

/**
 * A resolver for machines without outside DNS (the demo, tests, CI): reserved test domains
 * (RFC 2606/6761: .invalid, .test, .example) and the listed dead domains do not exist; every other
 * domain has an MX. Never used when ADDRESS_DNS=system, the default in production.
 */
export class OfflineResolver implements DnsResolver {
  private readonly dead: Set<string>;

  constructor(deadDomains: Iterable<string> = []) {
    this.dead = new Set([...deadDomains].map((d) => d.toLowerCase()));
  }

  private exists(domain: string): boolean {
    const d = domain.toLowerCase();
    if (/\.(invalid|test|example)$/.test(d)) return false;
    return ![...this.dead].some((dead) => d === dead || d.endsWith(`.${dead}`));
  }

  private notFound(domain: string): never {
    throw Object.assign(new Error(`queryMx ENOTFOUND ${domain}`), { code: "ENOTFOUND" });
  }

  async resolveMx(domain: string) {
    if (!this.exists(domain)) this.notFound(domain);
    return [{ exchange: `mx.${domain}`, priority: 10 }];
  }

  async resolve4(domain: string) {
    if (!this.exists(domain)) this.notFound(domain);
    return ["192.0.2.1"];
  }

  async resolve6(domain: string) {
    if (!this.exists(domain)) this.notFound(domain);
    return ["2001:db8::1"];
  }
}
