"use server";

import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { z } from "zod";
import { clientIp } from "@/lib/auth/client-ip";
import { activateWithCode, activateWithLink } from "@/lib/members/activation";
import { tenantPublicAction } from "@/lib/web/action";
import { signInWithPassword } from "@/lib/web/sign-in";

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

/**
 * Signs the member in with the password just chosen, through Auth.js as the login page does (a
 * tenant that asks for a code goes on to the code page), and so to their home. Should that be
 * refused (an address locked out by other tries), the login page says the account is active.
 */
async function signedInAfterActivation(
  slug: string,
  loginId: string,
  password: string,
): Promise<never> {
  await signInWithPassword({ scope: slug, loginId, password });
  redirect(`/t/${slug}/login?activated=1`);
}

export const activateByLink = tenantPublicAction(
  z
    .object({ token: z.string({ error: LINK_GONE }).max(200, LINK_GONE), ...passwords })
    .refine(samePasswords, mismatch),
  async (input, tenant) => {
    const { loginId } = await activateWithLink(tenant.id, input.token, input.password);
    return signedInAfterActivation(tenant.slug, loginId, input.password);
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
    const activated = await activateWithCode({
      tenantId: tenant.id,
      loginId: input.loginId,
      code: input.code,
      password: input.password,
      ip: clientIp(await headers()),
    });
    return signedInAfterActivation(tenant.slug, activated.loginId, input.password);
  },
);
