import "server-only";
import { and, eq, sql } from "drizzle-orm";
import { AuthError, CredentialsSignin } from "next-auth";
import { redirect } from "next/navigation";
import { db } from "@/db/client";
import { loginCodes, users } from "@/db/schema";
import { signIn, signOut } from "@/lib/auth/auth";
import { normaliseLoginId } from "@/lib/auth/login-id";
import { loginFailureMessage, safeNextPath } from "@/lib/auth/messages";
import { GENERIC_FAILURE } from "@/lib/errors";
import { findTenantBySlug } from "@/lib/tenants/tenants";
import type { ActionFailure } from "./action-result";
import { currentActor, revokeSession } from "./session";

/**
 * Signs in through Auth.js (which calls `attemptLogin`), then sends the person to their home:
 * operators to /ops, admins to their tenant's admin home, learners to their own page.
 */
export async function signInWithPassword(input: {
  scope: "ops" | string;
  loginId: string;
  password: string;
  next?: string;
}): Promise<ActionFailure> {
  try {
    await signIn("credentials", {
      scope: input.scope,
      loginId: input.loginId,
      password: input.password,
      redirect: false,
    });
  } catch (error) {
    if (error instanceof CredentialsSignin) {
      if (error.code.startsWith("challenge:") && input.scope !== "ops") {
        // The password was right; the tenant asks for a code too.
        const next = input.next ? `&next=${encodeURIComponent(input.next)}` : "";
        redirect(`/t/${input.scope}/login/code?c=${error.code.slice("challenge:".length)}${next}`);
      }
      return { ok: false, message: loginFailureMessage(error.code) };
    }
    if (error instanceof AuthError) {
      console.error("[sign-in]", error.cause ?? error);
      return { ok: false, message: GENERIC_FAILURE };
    }
    throw error;
  }

  if (input.scope === "ops") redirect(safeNextPath(input.next, "/ops") ?? "/ops");
  const tenant = await findTenantBySlug(input.scope);
  const base = `/t/${input.scope}`;
  const [user] = tenant
    ? await db
        .select({ role: users.role })
        .from(users)
        .where(
          and(
            eq(users.tenantId, tenant.id),
            eq(sql`lower(${users.loginId})`, normaliseLoginId(input.loginId)),
          ),
        )
        .limit(1)
    : [];
  const home = user?.role === "admin" ? `${base}/admin` : base;
  redirect(safeNextPath(input.next, `${base}/`) ?? home);
}

/** The second step: the code from the mail (or a bypass code), then home or the page asked for. */
export async function signInWithCode(input: {
  scope: string;
  challenge: string;
  code: string;
  next?: string;
}): Promise<ActionFailure> {
  try {
    await signIn("credentials", {
      scope: input.scope,
      challenge: input.challenge,
      code: input.code,
      redirect: false,
    });
  } catch (error) {
    if (error instanceof CredentialsSignin) {
      return {
        ok: false,
        message: error.code.startsWith("code:")
          ? error.code.slice("code:".length)
          : loginFailureMessage(error.code),
      };
    }
    if (error instanceof AuthError) {
      console.error("[sign-in]", error.cause ?? error);
      return { ok: false, message: GENERIC_FAILURE };
    }
    throw error;
  }
  const base = `/t/${input.scope}`;
  const [user] = await db
    .select({ role: users.role })
    .from(loginCodes)
    .innerJoin(users, eq(users.id, loginCodes.userId))
    .where(eq(loginCodes.id, input.challenge))
    .limit(1);
  redirect(
    safeNextPath(input.next, `${base}/`) ?? (user?.role === "admin" ? `${base}/admin` : base),
  );
}

export async function signOutCurrent(redirectTo: string): Promise<never> {
  const actor = await currentActor();
  if (actor) await revokeSession(actor.sessionId);
  await signOut({ redirect: false });
  redirect(redirectTo);
}
