"use server";

import { z } from "zod";
import { resendCode } from "@/lib/auth/login-codes";
import { signInWithCode } from "@/lib/web/sign-in";
import { tenantPublicAction } from "@/lib/web/action";

const challenge = z.string().max(64);

export const verifyLoginCode = tenantPublicAction(
  z.object({
    challenge,
    code: z.string().trim().min(1, "Enter the code.").max(64, "That is not a code."),
    next: z.string().max(2_000).optional(),
  }),
  (input, tenant) => signInWithCode({ scope: tenant.slug, ...input }),
);

export const resendLoginCode = tenantPublicAction(
  z.object({ challenge }),
  async (input, tenant) => ({
    ok: true as const,
    message: await resendCode(tenant.id, input.challenge),
  }),
);
