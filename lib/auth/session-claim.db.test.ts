// In the db project only for its inlined Auth.js (next-auth imports "next/server" as bundlers do); no database is used.
import { randomUUID } from "node:crypto";
import { encode } from "next-auth/jwt";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

const request = vi.hoisted(() => ({ headers: new Headers() }));
vi.mock("next/headers", () => ({ headers: async () => request.headers }));

const SECRET = "session-claim-test-secret-0123456789abcdef";
const PLAIN = "authjs.session-token";
const SECURE = "__Secure-authjs.session-token";

const claim = () => ({
  sid: randomUUID(),
  uid: randomUUID(),
  role: "admin" as const,
  tid: randomUUID(),
  sv: 3,
});

/** A session cookie as Auth.js writes it at sign-in: the claim in a JWE, the cookie name as salt. */
const cookieFor = (
  payload: Record<string, unknown>,
  name = PLAIN,
  secret = SECRET,
  maxAge = 3600,
) => encode({ token: payload, secret, salt: name, maxAge });

const { sessionClaim } = await import("./auth");

describe("sessionClaim", () => {
  beforeEach(() => {
    vi.stubEnv("AUTH_SECRET", SECRET);
    vi.stubEnv("AUTH_URL", "");
    vi.stubEnv("NEXTAUTH_URL", "");
    delete process.env.AUTH_URL;
    delete process.env.NEXTAUTH_URL;
  });
  afterEach(() => vi.unstubAllEnvs());

  it("reads the claim of a cookie Auth.js set over http", async () => {
    const c = claim();
    const token = await cookieFor({ name: "x", claim: c });
    request.headers = new Headers({ cookie: `${PLAIN}=${token}`, "x-forwarded-proto": "http" });
    expect(await sessionClaim()).toEqual(c);
  });

  it("reads the __Secure- cookie over https, and only that one", async () => {
    const c = claim();
    const secure = await cookieFor({ claim: c }, SECURE);
    request.headers = new Headers({ cookie: `${SECURE}=${secure}`, "x-forwarded-proto": "https" });
    expect(await sessionClaim()).toEqual(c);
    // The http cookie's name on an https request: not the session.
    const plain = await cookieFor({ claim: c }, PLAIN);
    request.headers = new Headers({ cookie: `${PLAIN}=${plain}`, "x-forwarded-proto": "https" });
    expect(await sessionClaim()).toBeNull();
  });

  it("joins a cookie Auth.js split into chunks", async () => {
    const c = claim();
    const token = await cookieFor({ claim: c, padding: "p".repeat(5000) });
    const half = Math.ceil(token.length / 2);
    request.headers = new Headers({
      cookie: `${PLAIN}.1=${token.slice(half)}; ${PLAIN}.0=${token.slice(0, half)}`,
      "x-forwarded-proto": "http",
    });
    expect(await sessionClaim()).toEqual(c);
  });

  it("refuses a cookie encrypted with another secret, for another name, tampered or expired", async () => {
    const c = claim();
    const proto = { "x-forwarded-proto": "http" };
    const other = await cookieFor({ claim: c }, PLAIN, "another-secret-another-secret-0123456789");
    request.headers = new Headers({ cookie: `${PLAIN}=${other}`, ...proto });
    expect(await sessionClaim()).toBeNull();

    const salted = await cookieFor({ claim: c }, SECURE);
    request.headers = new Headers({ cookie: `${PLAIN}=${salted}`, ...proto });
    expect(await sessionClaim()).toBeNull();

    const good = await cookieFor({ claim: c });
    const parts = good.split(".");
    parts[3] = parts[3]!.slice(0, -2) + (parts[3]!.endsWith("AA") ? "BB" : "AA");
    request.headers = new Headers({ cookie: `${PLAIN}=${parts.join(".")}`, ...proto });
    expect(await sessionClaim()).toBeNull();

    const expired = await cookieFor({ claim: c }, PLAIN, SECRET, -60);
    request.headers = new Headers({ cookie: `${PLAIN}=${expired}`, ...proto });
    expect(await sessionClaim()).toBeNull();
  });

  it("refuses a token that carries no valid claim, and a missing cookie", async () => {
    const token = await cookieFor({ claim: { ...claim(), role: "root" } });
    request.headers = new Headers({ cookie: `${PLAIN}=${token}`, "x-forwarded-proto": "http" });
    expect(await sessionClaim()).toBeNull();
    request.headers = new Headers({ "x-forwarded-proto": "http" });
    expect(await sessionClaim()).toBeNull();
  });

  it("never takes the token from an Authorization header", async () => {
    const token = await cookieFor({ claim: claim() });
    request.headers = new Headers({
      authorization: `Bearer ${token}`,
      "x-forwarded-proto": "http",
    });
    expect(await sessionClaim()).toBeNull();
  });

  it("names the cookie by AUTH_URL's protocol when it is set", async () => {
    const c = claim();
    process.env.AUTH_URL = "https://sendwell.example";
    const secure = await cookieFor({ claim: c }, SECURE);
    request.headers = new Headers({ cookie: `${SECURE}=${secure}`, "x-forwarded-proto": "http" });
    expect(await sessionClaim()).toEqual(c);
  });

  it("stops taking a remembered cookie when it expires", async () => {
    const c = claim();
    const token = await cookieFor({ claim: c }, PLAIN, SECRET, 60);
    request.headers = new Headers({ cookie: `${PLAIN}=${token}`, "x-forwarded-proto": "http" });
    expect(await sessionClaim()).toEqual(c);
    expect(await sessionClaim()).toEqual(c);
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 120_000 });
    try {
      expect(await sessionClaim()).toBeNull();
    } finally {
      vi.useRealTimers();
    }
  });

  it("remembers a cookie under its name only: the same value under the other name is refused", async () => {
    const c = claim();
    const secure = await cookieFor({ claim: c }, SECURE);
    request.headers = new Headers({ cookie: `${SECURE}=${secure}`, "x-forwarded-proto": "https" });
    expect(await sessionClaim()).toEqual(c);
    request.headers = new Headers({ cookie: `${PLAIN}=${secure}`, "x-forwarded-proto": "http" });
    expect(await sessionClaim()).toBeNull();
  });
});
