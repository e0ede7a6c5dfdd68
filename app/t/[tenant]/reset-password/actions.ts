"use server";

import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { after } from "next/server";
import { z } from "zod";
import { clientIp } from "@/lib/auth/client-ip";
import {
  requestPasswordReset,
  resetWithToken,
  RESET_REQUESTED,
} from "@/lib/members/password-reset";
import { tenantPublicAction } from "@/lib/web/action";

export const askForReset = tenantPublicAction(
  z.object({
    identifier: z
      .string()
      .trim()
      .min(1, "Enter your login ID or e-mail address.")
      .max(254, "That is too long."),
  }),
  async (input, tenant) => {
    const ip = clientIp(await headers());
    // After the answer, not before it: for a member the address is checked (a DNS lookup) and a
    // link queued, for anyone else nothing, and how long the answer took must not tell which.
    after(() => requestPasswordReset({ tenantId: tenant.id, identifier: input.identifier, ip }));
    return { ok: true, message: RESET_REQUESTED };
  },
);

const LINK_GONE = "This reset link has expired or was already used. Ask for a new one.";

export const resetByLink = tenantPublicAction(
  z
    .object({
      token: z.string({ error: LINK_GONE }).max(200, LINK_GONE),
      password: z.string().min(1, "Choose a password.").max(256),
      confirm: z.string(),
    })
    .refine((v) => v.password === v.confirm, {
      message: "The two passwords differ. Type the same password twice.",
      path: ["confirm"],
    }),
  async (input, tenant) => {
    await resetWithToken(tenant.id, input.token, input.password);
    redirect(`/t/${tenant.slug}/login?reset=1`);
  },
);
