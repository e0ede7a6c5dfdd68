"use server";

import { z } from "zod";
import { learnerAction, publicAction, type ActionState } from "@/lib/action";
import { loginFormSchema } from "@/lib/auth/login-form-schema";
import { signInWithPassword, signOutCurrent } from "@/lib/auth/sign-in";

export async function tenantLogin(tenantSlug: string, prev: ActionState, formData: FormData) {
  const login = publicAction(loginFormSchema, (input) =>
    signInWithPassword({ scope: String(tenantSlug), ...input }),
  );
  return login(prev, formData);
}

export const tenantLogout = learnerAction(z.object({}), (_input, { tenant }) =>
  signOutCurrent(`/t/${tenant.slug}/login`),
);
