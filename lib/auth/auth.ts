import "server-only";
import NextAuth, { CredentialsSignin } from "next-auth";
import { decode, getToken } from "next-auth/jwt";
import Credentials from "next-auth/providers/credentials";
import { headers } from "next/headers";
import { z } from "zod";
import { findTenantBySlug } from "@/lib/tenants/tenants";
import { env } from "@/lib/env";
import {
  attemptLogin,
  completeLoginWithCode,
  type LoginOutcome,
  type LoginScope,
  type SessionClaim,
} from "./login";
import { clientIp } from "./client-ip";

declare module "next-auth" {
  interface User {
    claim?: SessionClaim;
  }
  interface Session {
    claim?: SessionClaim;
  }
}

/** Carries why a sign-in failed to the login action; the code never names which field was wrong. */
export class LoginRefused extends CredentialsSignin {
  constructor(
    code:
      | "invalid"
      | "disabled"
      | `locked:${number}`
      /** The password was right and a code is asked for: the pending sign-in's id. */
      | `challenge:${string}`
      /** A wrong, expired or used-up code, with the sentence that says so. */
      | `code:${string}`,
  ) {
    super();
    this.code = code;
  }
}

const credentialsSchema = z.union([
  z.object({
    scope: z.string().max(64),
    loginId: z.string().max(200),
    password: z.string().max(10_000),
  }),
  // The second step: a pending sign-in and its code (or a bypass code).
  z.object({
    scope: z.string().max(64),
    challenge: z.string().max(64),
    code: z.string().max(64),
  }),
]);

/** A refused sign-in as the code the sign-in action reads back (lib/web/sign-in). */
export function refusalOf(
  outcome: Extract<LoginOutcome, { ok: false }> | { ok: false; reason: "code"; message: string },
): LoginRefused {
  switch (outcome.reason) {
    case "locked":
      return new LoginRefused(`locked:${outcome.retryAfterMinutes}`);
    case "code_required":
      return new LoginRefused(`challenge:${outcome.challengeId}`);
    case "code":
      return new LoginRefused(`code:${outcome.message}`);
    default:
      return new LoginRefused(outcome.reason);
  }
}

export const claimSchema = z.object({
  sid: z.uuid(),
  uid: z.uuid(),
  role: z.enum(["operator", "admin", "learner"]),
  tid: z.uuid().nullable(),
  sv: z.number().int(),
});

export const { handlers, auth, signIn, signOut } = NextAuth(() => {
  const config = env();
  return {
    secret: config.AUTH_SECRET,
    trustHost: true,
    session: { strategy: "jwt", maxAge: config.SESSION_MAX_AGE_HOURS * 3600 },
    pages: { signIn: "/login" },
    logger: {
      // A tampered or stale cookie is an everyday event, not an error worth a stack trace.
      error(error) {
        const type = (error as { type?: string }).type;
        if (type === "JWTSessionError" || type === "CredentialsSignin") return;
        console.error("[auth]", error);
      },
    },
    providers: [
      Credentials({
        credentials: { scope: {}, loginId: {}, password: {} },
        async authorize(raw, request) {
          const parsed = credentialsSchema.safeParse(raw);
          if (!parsed.success) throw new LoginRefused("invalid");
          const data = parsed.data;
          let scope: LoginScope = { kind: "operator" };
          if (data.scope !== "ops") {
            const tenant = await findTenantBySlug(data.scope);
            if (!tenant) throw new LoginRefused("invalid");
            scope = { kind: "tenant", tenantId: tenant.id };
          }
          const outcome =
            "challenge" in data
              ? scope.kind === "tenant"
                ? await completeLoginWithCode({
                    tenantId: scope.tenantId,
                    challengeId: data.challenge,
                    code: data.code,
                  })
                : ({ ok: false, reason: "invalid" } as const)
              : await attemptLogin({
                  scope,
                  loginId: data.loginId,
                  password: data.password,
                  ip: clientIp(request.headers),
                });
          if (!outcome.ok) throw refusalOf(outcome);
          return { id: outcome.claim.uid, name: outcome.name, claim: outcome.claim };
        },
      }),
    ],
    callbacks: {
      jwt({ token, user }) {
        if (user?.claim) token.claim = user.claim;
        return token;
      },
      session({ session, token }) {
        const claim = claimSchema.safeParse(token.claim);
        return { ...session, claim: claim.success ? claim.data : undefined };
      },
    },
  };
});

/**
 * Whether Auth.js names this request's session cookie `__Secure-authjs.session-token`: as its
 * createActionURL decides for `auth()` (AUTH_URL's protocol, else x-forwarded-proto, else https).
 */
function usesSecureCookie(requestHeaders: Headers): boolean {
  const envUrl = process.env.AUTH_URL ?? process.env.NEXTAUTH_URL;
  if (envUrl) return new URL(envUrl).protocol === "https:";
  const proto = (requestHeaders.get("x-forwarded-proto") ?? "https").toLowerCase();
  return proto === "https" || proto === "https:";
}

/** Session cookies already decrypted, by cookie name and value: at most this many, then afresh. */
const DECRYPTED_MAX = 5_000;
const decrypted = new Map<string, { claim: SessionClaim; exp: number }>();

/**
 * The claim of this request's session cookie, for pages, actions and routes (lib/web/session
 * re-checks it against the database on every request): the cookie Auth.js set at sign-in, read from
 * its chunks and decrypted with the key derived from AUTH_SECRET and the cookie's name, its
 * integrity and expiry checked by the same `decode` `auth()` uses; null when it is missing, tampered
 * with, expired or not our claim. Only the cookie is read, never an Authorization header.
 *
 * `auth()` did that and more that a server render throws away (a CSRF token, and the cookie
 * encrypted afresh with a new expiry that next-auth never sends): 15% of the member page's CPU
 * samples under bench:members. And the same cookie arrives with every request of a session: what
 * one decryption proved holds for that exact value until its `exp`, so it is remembered until then.
 */
export async function sessionClaim(): Promise<SessionClaim | null> {
  const requestHeaders = await headers();
  const secure = usesSecureCookie(requestHeaders);
  const cookieName = `${secure ? "__Secure-" : ""}authjs.session-token`;
  const token = await getToken({
    req: { headers: { cookie: requestHeaders.get("cookie") ?? "" } },
    secureCookie: secure,
    cookieName,
    raw: true,
  }).catch(() => null);
  if (!token) return null;
  const key = `${cookieName} ${token}`;
  const known = decrypted.get(key);
  if (known && Date.now() < known.exp * 1000) return known.claim;
  decrypted.delete(key);
  const payload = await decode({ token, secret: env().AUTH_SECRET, salt: cookieName }).catch(
    () => null,
  );
  const parsed = claimSchema.safeParse(payload?.claim);
  if (!parsed.success) return null;
  if (typeof payload?.exp === "number") {
    if (decrypted.size >= DECRYPTED_MAX) decrypted.clear();
    decrypted.set(key, { claim: Object.freeze(parsed.data), exp: payload.exp });
  }
  return parsed.data;
}
