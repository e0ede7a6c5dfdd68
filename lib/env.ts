import { z } from "zod";
import {
  DEFAULT_THRESHOLDS,
  MIN_JUDGED_VOLUME,
  type GuardThresholds,
} from "@/lib/health/account-guard";

/**
 * Every setting Sendwell reads, in one place. Read lazily so `next build` needs none of them;
 * `instrumentation.ts` calls `env()` at start-up so a bad configuration stops the server with a
 * sentence instead of failing requests later.
 */
const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const rate = (fallback: number) => z.coerce.number().positive().max(1).default(fallback);

/**
 * The dispatcher's settings when nothing says otherwise: the defaults of the MAIL_* variables below,
 * and of `DispatcherOptions` for tests, benchmarks and the incident replay.
 */
export const MAIL_DEFAULTS = {
  batchSize: 200,
  concurrency: 10,
  /** Overlapping batches per process: one decides while the other sends. */
  pipelines: 2,
  pollMs: 500,
  /** Floor of the representative volume, so a young account still has a small bounce budget. */
  minVolume: MIN_JUDGED_VOLUME,
  /** A claimed mail whose dispatcher died goes back to the queue after this long. */
  leaseMs: 60_000,
  /** Unconfirmed bulk mail stops counting against the windows after this long without an event. */
  confirmAfterMs: 30 * 60_000,
  maxAttempts: 8,
  accountCheckMs: 60_000,
} as const;

/** The feedback applier's settings when nothing says otherwise (FEEDBACK_*, and `ApplierOptions`). */
export const APPLIER_DEFAULTS = {
  /** Events per transaction: hundreds, so a bounce storm is a few set-based statements a second. */
  batchSize: 500,
  /** The fallback poll, should a notification be missed (LISTEN/NOTIFY wakes it at once). */
  pollMs: 1_000,
  /** A failing event is tried this often, then parked for an operator. */
  maxAttempts: 5,
  retryDelaysMs: [1_000, 10_000, 60_000, 300_000],
} as const;

const schema = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  DATABASE_URL: z
    .string({ error: "DATABASE_URL is not set: run `npm run demo`, or point it at PostgreSQL." })
    .url("DATABASE_URL must be a postgres:// URL."),
  DB_POOL_MAX: positiveInt(10),
  AUTH_SECRET: z.string().min(32, "AUTH_SECRET must be at least 32 characters.").optional(),
  PUBLIC_URL: z.string().url().default("http://localhost:3000"),
  SESSION_MAX_AGE_HOURS: positiveInt(12),
  LOGIN_MAX_FAILURES_PER_ID: positiveInt(5),
  LOGIN_MAX_FAILURES_PER_IP: positiveInt(30),
  LOGIN_LOCK_MINUTES: positiveInt(15),
  // Mail (DESIGN.md, "The mail pipeline").
  AWS_REGION: z.string().min(1).default("us-east-1"),
  /** Set for local SES (`http://127.0.0.1:8005`); unset means real SES in AWS_REGION. */
  SES_ENDPOINT: z.string().url().optional(),
  SES_FROM_ADDRESS: z.string().min(3).optional(),
  SES_CONFIGURATION_SET_TRANSACTIONAL: z.string().min(1).optional(),
  SES_CONFIGURATION_SET_BULK: z.string().min(1).optional(),
  /** Send with SES tenants (TenantName = tenant slug); the tenants must exist in SES. */
  SES_TENANTS: z.enum(["true", "false"]).default("false"),
  /** One SES call that has not answered after this long is given up and retried with backoff. */
  SES_TIMEOUT_MS: positiveInt(10_000),
  /** `in-app` runs the dispatcher inside the Next.js server; `off` leaves it to `npm run worker`. */
  MAIL_DISPATCHER: z.enum(["in-app", "off"]).default("in-app"),
  MAIL_BATCH_SIZE: positiveInt(MAIL_DEFAULTS.batchSize),
  MAIL_CONCURRENCY: positiveInt(MAIL_DEFAULTS.concurrency),
  MAIL_PIPELINES: positiveInt(MAIL_DEFAULTS.pipelines),
  MAIL_POLL_MS: positiveInt(MAIL_DEFAULTS.pollMs),
  MAIL_MIN_VOLUME: positiveInt(MAIL_DEFAULTS.minVolume),
  MAIL_LEASE_MS: positiveInt(MAIL_DEFAULTS.leaseMs),
  /** `in-app` applies SES feedback inside the Next.js server; `off` leaves it to `npm run worker`. */
  FEEDBACK_APPLIER: z.enum(["in-app", "off"]).default("in-app"),
  FEEDBACK_BATCH_SIZE: positiveInt(APPLIER_DEFAULTS.batchSize),
  FEEDBACK_POLL_MS: positiveInt(APPLIER_DEFAULTS.pollMs),
  /**
   * Set: `npm run worker` also runs the standalone SES webhook receiver (lib/feedback/receiver.ts)
   * on this port; `npm run receiver` runs it alone. Unset: the worker runs none.
   */
  FEEDBACK_RECEIVER_PORT: z.preprocess(
    (v) => (v === "" ? undefined : v),
    z.coerce.number().int().min(0).max(65_535).optional(),
  ),
  /** The address the receiver listens on. */
  FEEDBACK_RECEIVER_HOST: z.string().min(1).default("0.0.0.0"),
  /** The SNS topics whose notifications the SES webhook accepts (comma-separated ARNs). */
  SNS_TOPIC_ARNS: z
    .string()
    .default("")
    .transform((s) =>
      s
        .split(",")
        .map((a) => a.trim())
        .filter(Boolean),
    ),
  /** Development only: a PEM certificate the feedback simulator signs with; refused with real SES. */
  SNS_TRUSTED_CERT_FILE: z.string().min(1).optional(),
  /** Bulk registration: the largest upload, in bytes and in data rows. */
  IMPORT_MAX_BYTES: positiveInt(10 * 1024 * 1024),
  IMPORT_MAX_ROWS: positiveInt(100_000),
  /** The rows (names, addresses) of a committed or discarded import are dropped after this many days. */
  IMPORT_RETENTION_DAYS: positiveInt(30),
  /** `system` asks real DNS; `offline` (demo, tests) treats .invalid/.test/.example and ADDRESS_DEAD_DOMAINS as missing. */
  ADDRESS_DNS: z.enum(["system", "offline"]).default("system"),
  ADDRESS_DEAD_DOMAINS: z
    .string()
    .default("")
    .transform((s) =>
      s
        .split(",")
        .map((d) => d.trim().toLowerCase())
        .filter(Boolean),
    ),
  GUARD_BOUNCE_WARN: rate(DEFAULT_THRESHOLDS.bounceWarn),
  GUARD_BOUNCE_STOP_ABOVE: rate(DEFAULT_THRESHOLDS.bounceStopAbove),
  GUARD_BOUNCE_STOP_ALL: rate(DEFAULT_THRESHOLDS.bounceStopAll),
  GUARD_COMPLAINT_WARN: rate(DEFAULT_THRESHOLDS.complaintWarn),
  GUARD_COMPLAINT_STOP: rate(DEFAULT_THRESHOLDS.complaintStop),
});

export type Env = Omit<z.infer<typeof schema>, "AUTH_SECRET"> & { AUTH_SECRET: string };

// Only for `npm run dev` and tests: production refuses to start without a real secret.
const DEVELOPMENT_SECRET = "sendwell-development-secret-do-not-use-in-production";

export class ConfigError extends Error {
  override name = "ConfigError";
}

export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = schema.safeParse(source);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(
      `Sendwell cannot start, the configuration is wrong:\n${lines.join("\n")}`,
    );
  }
  const parsed = result.data;
  if (parsed.NODE_ENV === "production" && !parsed.SES_FROM_ADDRESS) {
    throw new ConfigError(
      "Sendwell cannot start: SES_FROM_ADDRESS is not set. Set it to a sender verified in SES, " +
        'for example "Sendwell <no-reply@mail.example.com>" (and AWS_REGION, and credentials).',
    );
  }
  const localSes =
    parsed.SES_ENDPOINT !== undefined &&
    ["127.0.0.1", "localhost", "[::1]"].includes(new URL(parsed.SES_ENDPOINT).hostname);
  if (parsed.SNS_TRUSTED_CERT_FILE && !localSes) {
    // A self-made certificate must never be trusted where real SES feedback can arrive. The demo runs
    // `next start` (NODE_ENV=production) against local SES on loopback: that is the one place it is allowed.
    throw new ConfigError(
      "Sendwell cannot start: SNS_TRUSTED_CERT_FILE is for the local feedback simulator and is only " +
        "accepted together with a local SES_ENDPOINT on 127.0.0.1. Remove it to receive real SES feedback.",
    );
  }
  if (!parsed.AUTH_SECRET) {
    if (parsed.NODE_ENV === "production") {
      throw new ConfigError(
        "Sendwell cannot start: AUTH_SECRET is not set. Generate one with `openssl rand -base64 32` " +
          "and set it (and AUTH_TRUST_HOST=true behind a proxy) before `next start`.",
      );
    }
    return { ...parsed, AUTH_SECRET: DEVELOPMENT_SECRET };
  }
  return { ...parsed, AUTH_SECRET: parsed.AUTH_SECRET };
}

let cached: Env | undefined;

export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

/** The account guard's thresholds as configured (GUARD_*). */
export function guardThresholds(config: Env = env()): GuardThresholds {
  return {
    bounceWarn: config.GUARD_BOUNCE_WARN,
    bounceStopAbove: config.GUARD_BOUNCE_STOP_ABOVE,
    bounceStopAll: config.GUARD_BOUNCE_STOP_ALL,
    complaintWarn: config.GUARD_COMPLAINT_WARN,
    complaintStop: config.GUARD_COMPLAINT_STOP,
  };
}

/** `env()` for a command-line process: a bad configuration prints its sentence and exits (2). */
export function envOrExit(): Env {
  try {
    return env();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
}
