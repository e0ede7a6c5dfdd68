export type DomainVerdict = { status: "ok" | "not_found" | "unknown"; reason: string };

/** The part of node:dns/promises' Resolver we use; tests and the demo pass a fake. */
export interface DnsResolver {
  resolveMx(domain: string): Promise<{ exchange: string; priority: number }[]>;
  resolve4(domain: string): Promise<string[]>;
  resolve6(domain: string): Promise<string[]>;
}

export type DomainCheckerOptions = {
  resolver?: DnsResolver;
  timeoutMs?: number;
  concurrency?: number;
  okTtlMs?: number;
  notFoundTtlMs?: number;
  unknownTtlMs?: number;
  now?: () => number;
  maxEntries?: number;
};

type Settings = Required<Omit<DomainCheckerOptions, "resolver">>;
type Entry = { verdict: DomainVerdict; expiresAt: number };

const HOUR = 60 * 60 * 1000;
const DEFAULTS: Settings = {
  timeoutMs: 3000,
  concurrency: 16,
  okTtlMs: 6 * HOUR,
  notFoundTtlMs: HOUR,
  // A DNS failure is ours to retry soon, not a fact about the domain.
  unknownTtlMs: 60 * 1000,
  now: Date.now,
  maxEntries: 50_000,
};

const ok = (reason: string): DomainVerdict => ({ status: "ok", reason });
const notFound = (reason: string): DomainVerdict => ({ status: "not_found", reason });
const unknown = (reason: string): DomainVerdict => ({ status: "unknown", reason });

// Answers that prove the name has no records of this type (NXDOMAIN or an empty answer).
const NO_SUCH_RECORDS = new Set(["ENOTFOUND", "ENODATA"]);

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && code !== "" ? code : "UNKNOWN";
}

// The resolver's own timeout and ours mean the same thing to a caller: ask again later.
function dnsError(code: string): DomainVerdict {
  return unknown(code === "ETIMEOUT" ? "timeout" : `dns_error:${code}`);
}

/** Whether mail to a domain can be delivered at all, from its MX (or, failing that, A/AAAA) records. */
export class DomainChecker {
  readonly #settings: Settings;
  readonly #givenResolver: DnsResolver | undefined;
  #resolver: Promise<DnsResolver> | undefined;
  readonly #cache = new Map<string, Entry>();
  readonly #inFlight = new Map<string, Promise<DomainVerdict>>();
  #active = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(options: DomainCheckerOptions = {}) {
    const { resolver, ...rest } = options;
    const defined = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
    this.#settings = { ...DEFAULTS, ...defined };
    this.#givenResolver = resolver;
    const { concurrency, maxEntries } = this.#settings;
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new RangeError(`concurrency must be a positive integer, not ${concurrency}`);
    }
    if (!Number.isInteger(maxEntries) || maxEntries < 1) {
      throw new RangeError(`maxEntries must be a positive integer, not ${maxEntries}`);
    }
  }

  /** The cached verdict, if one is still fresh; never looks anything up. */
  cached(domain: string): DomainVerdict | undefined {
    return this.#fresh(domainKey(domain));
  }

  /** Cached; concurrent calls for one domain share a single lookup. Never rejects. */
  verdict(domain: string): Promise<DomainVerdict> {
    const key = domainKey(domain);
    const hit = this.#fresh(key);
    if (hit) return Promise.resolve(hit);
    const pending = this.#inFlight.get(key);
    if (pending) return pending;
    const lookup = this.#lookupInSlot(key)
      .then((verdict) => {
        this.#store(key, verdict);
        return verdict;
      })
      .finally(() => this.#inFlight.delete(key));
    this.#inFlight.set(key, lookup);
    return lookup;
  }

  /** Verdicts keyed by each domain as given; each distinct domain is looked up once. */
  async verdicts(domains: Iterable<string>): Promise<Map<string, DomainVerdict>> {
    const pending = new Map<string, Promise<DomainVerdict>>();
    for (const domain of domains) {
      if (!pending.has(domain)) pending.set(domain, this.verdict(domain));
    }
    const results = new Map<string, DomainVerdict>();
    for (const [domain, verdict] of pending) results.set(domain, await verdict);
    return results;
  }

  #fresh(key: string): DomainVerdict | undefined {
    const entry = this.#cache.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt > this.#settings.now()) return entry.verdict;
    this.#cache.delete(key);
    return undefined;
  }

  #store(key: string, verdict: DomainVerdict): void {
    const s = this.#settings;
    const ttl =
      verdict.status === "ok"
        ? s.okTtlMs
        : verdict.status === "not_found"
          ? s.notFoundTtlMs
          : s.unknownTtlMs;
    // Re-inserting moves the key to the end, so the Map's order is oldest-written first.
    this.#cache.delete(key);
    this.#cache.set(key, { verdict, expiresAt: s.now() + ttl });
    for (const oldest of this.#cache.keys()) {
      if (this.#cache.size <= s.maxEntries) break;
      this.#cache.delete(oldest);
    }
  }

  async #lookupInSlot(key: string): Promise<DomainVerdict> {
    await this.#acquire();
    // The deadline starts with the lookup, not in the queue, so a big batch does not time out.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<DomainVerdict>((resolve) => {
      timer = setTimeout(() => resolve(unknown("timeout")), this.#settings.timeoutMs);
    });
    try {
      return await Promise.race([this.#lookup(key), deadline]);
    } finally {
      clearTimeout(timer);
      // A query that hangs past the deadline gives its slot back; Node's resolver ends it later.
      this.#release();
    }
  }

  async #lookup(domain: string): Promise<DomainVerdict> {
    try {
      const resolver = await this.#getResolver();
      let mx: { exchange: string }[];
      try {
        mx = await resolver.resolveMx(domain);
      } catch (error) {
        const code = errorCode(error);
        if (code === "ENOTFOUND") return notFound("nxdomain");
        if (code !== "ENODATA") return dnsError(code);
        mx = [];
      }
      if (mx.length > 0) {
        // RFC 7505 null MX: the domain exists and states that it accepts no mail.
        const only = mx.length === 1 ? mx[0]!.exchange : undefined;
        return only === "" || only === "." ? notFound("null_mx") : ok("mx");
      }
      // RFC 5321 5.1: with no MX, mail goes to the domain's own address records.
      let failure: string | undefined;
      for (const family of ["resolve4", "resolve6"] as const) {
        try {
          if ((await resolver[family](domain)).length > 0) return ok("a_record");
        } catch (error) {
          const code = errorCode(error);
          if (!NO_SUCH_RECORDS.has(code)) failure ??= code;
        }
      }
      return failure === undefined ? notFound("no_mx_no_a") : dnsError(failure);
    } catch (error) {
      return dnsError(errorCode(error));
    }
  }

  #getResolver(): Promise<DnsResolver> {
    this.#resolver ??= this.#givenResolver
      ? Promise.resolve(this.#givenResolver)
      : import("node:dns/promises").then(
          ({ Resolver }) => new Resolver({ timeout: 2000, tries: 2 }),
        );
    return this.#resolver;
  }

  async #acquire(): Promise<void> {
    if (this.#active < this.#settings.concurrency) {
      this.#active++;
      return;
    }
    // The releasing lookup hands its slot straight to us, so #active stays put.
    await new Promise<void>((resolve) => this.#waiting.push(resolve));
  }

  #release(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#active--;
  }
}

/** The cache key: lower-case, without the root's trailing dot. */
function domainKey(domain: string): string {
  return domain.trim().toLowerCase().replace(/\.$/, "");
}

// On globalThis so that Next.js dev reloads and the worker share one cache per process.
const holder = globalThis as typeof globalThis & { __sendwellDomainChecker?: DomainChecker };

export function defaultDomainChecker(): DomainChecker {
  holder.__sendwellDomainChecker ??= new DomainChecker();
  return holder.__sendwellDomainChecker;
}

/** Replaces the process-wide checker (the demo's offline DNS, tests). */
export function setDefaultDomainChecker(checker: DomainChecker): void {
  holder.__sendwellDomainChecker = checker;
}
