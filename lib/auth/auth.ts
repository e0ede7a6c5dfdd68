import "server-only";
import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { z } from "zod";
import { findTenantBySlug } from "@/lib/tenants/tenants";
import { env } from "@/lib/env";
import { attemptLogin, type LoginScope, type SessionClaim } from "./login";
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
  constructor(code: "invalid" | "disabled" | `locked:${number}`) {
    super();
    this.code = code;
  }
}

const credentialsSchema = z.object({
  scope: z.string().max(64),
  loginId: z.string().max(200),
  password: z.string().max(10_000),
});

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
          const { scope: scopeName, loginId, password } = parsed.data;
          let scope: LoginScope = { kind: "operator" };
          if (scopeName !== "ops") {
            const tenant = await findTenantBySlug(scopeName);
            if (!tenant) throw new LoginRefused("invalid");
            scope = { kind: "tenant", tenantId: tenant.id };
          }
          const outcome = await attemptLogin({
            scope,
            loginId,
            password,
            ip: clientIp(request.headers),
          });
          if (!outcome.ok) {
            throw new LoginRefused(
              outcome.reason === "locked" ? `locked:${outcome.retryAfterMinutes}` : outcome.reason,
            );
          }
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
