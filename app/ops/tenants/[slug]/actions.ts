"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { pauseTenant, resumeTenant } from "@/lib/health/control";
import { UserError } from "@/lib/errors";
import { liftSuppression } from "@/lib/suppressions/manage";
import { findTenantBySlug } from "@/lib/tenants/tenants";
import { operatorAction } from "@/lib/web/action";

const slug = z.string().max(64);

async function tenantOf(value: string) {
  const tenant = await findTenantBySlug(value);
  if (!tenant) throw new UserError("not_found", "This tenant does not exist.");
  return tenant;
}

export const pauseTenantBulk = operatorAction(
  z.object({ slug, reason: z.string().max(500, "Keep the reason under 500 characters.") }),
  async (input, actor) => {
    const tenant = await tenantOf(input.slug);
    const { adminsMailed } = await pauseTenant(actor, tenant.id, input.reason);
    revalidatePath(`/ops/tenants/${tenant.slug}`);
    return {
      ok: true,
      message: `Bulk mail of ${tenant.name} is paused. Its admins see why on their pages${adminsMailed > 0 ? `; ${adminsMailed} of them got a mail` : "; none has an address that receives mail"}.`,
    };
  },
);

export const resumeTenantBulk = operatorAction(z.object({ slug }), async (input, actor) => {
  const tenant = await tenantOf(input.slug);
  const { released } = await resumeTenant(actor, tenant.id);
  revalidatePath(`/ops/tenants/${tenant.slug}`);
  return {
    ok: true,
    message: `${tenant.name} resumes carefully: ${released.toLocaleString("en")} held ${released === 1 ? "mail is" : "mails are"} due now.`,
  };
});

/** Operators lift any suppression, a complaint included (audited). */
export const liftSuppressionAsOperator = operatorAction(
  z.object({ slug, address: z.string().trim().min(3).max(254) }),
  async (input, actor) => {
    const tenant = await tenantOf(input.slug);
    await liftSuppression(actor, {
      tenantId: tenant.id,
      address: input.address,
      confirmedExists: true,
    });
    revalidatePath(`/ops/tenants/${tenant.slug}`);
    return { ok: true, message: `${input.address.toLowerCase()} is no longer suppressed.` };
  },
);
