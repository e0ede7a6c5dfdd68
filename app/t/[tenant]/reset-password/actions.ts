"use server";

import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { z } from "zod";
import { publicAction, type ActionState } from "@/lib/action";
import { clientIp } from "@/lib/auth/client-ip";
import { UserError } from "@/lib/errors";
import {
  requestPasswordReset,
  resetWithToken,
  RESET_REQUESTED,
} from "@/lib/members/password-reset";
import { findTenantBySlug } from "@/lib/tenants/tenants";

async function tenantOf(slug: string) {
  const tenant = await findTenantBySlug(String(slug));
  if (!tenant)
    throw new UserError("not_found", "This organisation does not exist. Check the address.");
  return tenant;
}

export async function askForReset(slug: string, prev: ActionState, formData: FormData) {
  const schema = z.object({
    identifier: z
      .string()
      .trim()
      .min(1, "Enter your login ID or e-mail address.")
      .max(254, "That is too long."),
  });
  const act = publicAction(schema, async (input) => {
    const tenant = await tenantOf(slug);
    await requestPasswordReset({
      tenantId: tenant.id,
      identifier: input.identifier,
      ip: clientIp(await headers()),
    });
    return { ok: true, message: RESET_REQUESTED };
  });
  return act(prev, formData);
}

export async function resetByLink(
  slug: string,
  token: string,
  prev: ActionState,
  formData: FormData,
) {
  const schema = z
    .object({ password: z.string().min(1, "Choose a password.").max(256), confirm: z.string() })
    .refine((v) => v.password === v.confirm, {
      message: "The two passwords differ. Type the same password twice.",
      path: ["confirm"],
    });
  const act = publicAction(schema, async (input) => {
    const tenant = await tenantOf(slug);
    await resetWithToken(tenant.id, String(token), input.password);
    redirect(`/t/${tenant.slug}/login?reset=1`);
  });
  return act(prev, formData);
}
