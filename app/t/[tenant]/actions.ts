"use server";

import { z } from "zod";
import { loginFormSchema } from "@/lib/auth/login-form-schema";
import { learnerAction, tenantPublicAction } from "@/lib/web/action";
import { signInWithPassword, signOutCurrent } from "@/lib/web/sign-in";

export const tenantLogin = tenantPublicAction(loginFormSchema, (input, tenant) =>
  signInWithPassword({ scope: tenant.slug, ...input }),
);

export const tenantLogout = learnerAction(z.object({}), (_input, { tenant }) =>
  signOutCurrent(`/t/${tenant.slug}/login`),
);
