"use server";

import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { z } from "zod";
import { clientIp } from "@/lib/auth/client-ip";
import { activateWithCode, activateWithLink } from "@/lib/members/activation";
import { tenantPublicAction } from "@/lib/web/action";

const passwords = {
  password: z
    .string()
    .min(1, "Choose a password.")
    .max(256, "A password has at most 256 characters."),
  confirm: z.string(),
};
const samePasswords = (v: { password: string; confirm: string }) => v.password === v.confirm;
const mismatch = {
  message: "The two passwords differ. Type the same password twice.",
  path: ["confirm"],
};
const LINK_GONE =
  "This link has expired or was already used. Ask your administrator to send a new invitation.";

export const activateByLink = tenantPublicAction(
  z
    .object({ token: z.string({ error: LINK_GONE }).max(200, LINK_GONE), ...passwords })
    .refine(samePasswords, mismatch),
  async (input, tenant) => {
    await activateWithLink(tenant.id, input.token, input.password);
    redirect(`/t/${tenant.slug}/login?activated=1`);
  },
);

export const activateByCode = tenantPublicAction(
  z
    .object({
      loginId: z
        .string()
        .trim()
        .min(1, "Enter your login ID.")
        .max(30, "A login ID has at most 30 characters."),
      code: z
        .string()
        .trim()
        .min(1, "Enter the activation code.")
        .max(40, "That is longer than a code."),
      ...passwords,
    })
    .refine(samePasswords, mismatch),
  async (input, tenant) => {
    await activateWithCode({
      tenantId: tenant.id,
      loginId: input.loginId,
      code: input.code,
      password: input.password,
      ip: clientIp(await headers()),
    });
    redirect(`/t/${tenant.slug}/login?activated=1`);
  },
);
