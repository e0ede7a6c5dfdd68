import { describe, expect, it } from "vitest";
import { ConfigError, parseEnv } from "./env";

const base = { DATABASE_URL: "postgres://postgres@127.0.0.1:5432/sendwell" };

describe("parseEnv", () => {
  it("fills the embedded-mode defaults", () => {
    const env = parseEnv(base);
    expect(env).toMatchObject({
      NODE_ENV: "development",
      DB_POOL_MAX: 10,
      PUBLIC_URL: "http://localhost:3000",
      SESSION_MAX_AGE_HOURS: 12,
      LOGIN_MAX_FAILURES_PER_ID: 5,
      LOGIN_MAX_FAILURES_PER_IP: 30,
      LOGIN_LOCK_MINUTES: 15,
    });
    expect(env.AUTH_SECRET.length).toBeGreaterThanOrEqual(32);
  });

  it("keeps import rows 30 days unless IMPORT_RETENTION_DAYS says otherwise", () => {
    expect(parseEnv(base).IMPORT_RETENTION_DAYS).toBe(30);
    expect(parseEnv({ ...base, IMPORT_RETENTION_DAYS: "7" }).IMPORT_RETENTION_DAYS).toBe(7);
    expect(() => parseEnv({ ...base, IMPORT_RETENTION_DAYS: "0" })).toThrow(ConfigError);
  });

  it("reads numbers from strings", () => {
    expect(parseEnv({ ...base, LOGIN_MAX_FAILURES_PER_ID: "3" }).LOGIN_MAX_FAILURES_PER_ID).toBe(3);
  });

  it("refuses to start in production without AUTH_SECRET, and says what to do", () => {
    const prod = {
      ...base,
      NODE_ENV: "production",
      SES_FROM_ADDRESS: "School <no-reply@mail.example.com>",
    };
    expect(() => parseEnv(prod)).toThrow(ConfigError);
    expect(() => parseEnv(prod)).toThrow(/AUTH_SECRET is not set.*openssl rand/);
    const secret = "s".repeat(40);
    expect(parseEnv({ ...prod, AUTH_SECRET: secret }).AUTH_SECRET).toBe(secret);
  });

  it("refuses to start in production without a sender address for SES", () => {
    expect(() =>
      parseEnv({ ...base, NODE_ENV: "production", AUTH_SECRET: "s".repeat(40) }),
    ).toThrow(/SES_FROM_ADDRESS is not set/);
  });

  it("reads the mail settings", () => {
    const env = parseEnv({
      ...base,
      ADDRESS_DEAD_DOMAINS: " Dead.example , other.test,",
      SES_TENANTS: "true",
    });
    expect(env.ADDRESS_DEAD_DOMAINS).toEqual(["dead.example", "other.test"]);
    expect(env).toMatchObject({
      SES_TENANTS: "true",
      MAIL_DISPATCHER: "in-app",
      ADDRESS_DNS: "system",
    });
    expect(() => parseEnv({ ...base, SES_ENDPOINT: "not a url" })).toThrow(/SES_ENDPOINT/);
  });

  it("names every wrong setting", () => {
    let error: unknown;
    try {
      parseEnv({ DATABASE_URL: "not a url", AUTH_SECRET: "short", DB_POOL_MAX: "-1" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const text = (error as Error).message;
    expect(text).toMatch(/DATABASE_URL/);
    expect(text).toMatch(/AUTH_SECRET: AUTH_SECRET must be at least 32 characters/);
    expect(text).toMatch(/DB_POOL_MAX/);
  });

  it("says how to get a database when there is none", () => {
    expect(() => parseEnv({})).toThrow(/DATABASE_URL is not set: run `npm run demo`/);
  });
});
