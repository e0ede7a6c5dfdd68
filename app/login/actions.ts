"use server";

import { z } from "zod";
import { operatorAction, publicAction } from "@/lib/web/action";
import { loginFormSchema } from "@/lib/auth/login-form-schema";
import { signInWithPassword, signOutCurrent } from "@/lib/web/sign-in";

export const operatorLogin = publicAction(loginFormSchema, (input) =>
  signInWithPassword({ scope: "ops", ...input }),
);

export const operatorLogout = operatorAction(z.object({}), () => signOutCurrent("/login"));
