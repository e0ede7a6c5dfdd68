"use server";

import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { z } from "zod";
import { publicAction, type ActionState } from "@/lib/action";
import { clientIp } from "@/lib/auth/client-ip";
import { UserError } from "@/lib/errors";
import { activateWithCode, activateWithLink } from "@/lib/members/activation";
import { findTenantBySlug } from "@/lib/tenants/tenants";

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

async function tenantOf(slug: string) {
  const tenant = await findTenantBySlug(String(slug));
  if (!tenant)
    throw new UserError("not_found", "This organisation does not exist. Check the address.");
  return tenant;
}

export async function activateByLink(
  slug: string,
  token: string,
  prev: ActionState,
  formData: FormData,
) {
  const act = publicAction(z.object(passwords).refine(samePasswords, mismatch), async (input) => {
    const tenant = await tenantOf(slug);
    await activateWithLink(tenant.id, String(token), input.password);
    redirect(`/t/${tenant.slug}/login?activated=1`);
  });
  return act(prev, formData);
}

export async function activateByCode(slug: string, prev: ActionState, formData: FormData) {
  const schema = z
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
    .refine(samePasswords, mismatch);
  const act = publicAction(schema, async (input) => {
    const tenant = await tenantOf(slug);
    await activateWithCode({
      tenantId: tenant.id,
      loginId: input.loginId,
      code: input.code,
      password: input.password,
      ip: clientIp(await headers()),
    });
    redirect(`/t/${tenant.slug}/login?activated=1`);
  });
  return act(prev, formData);
}
