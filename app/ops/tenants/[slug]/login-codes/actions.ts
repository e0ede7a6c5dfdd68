"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { requireCodesForAdmins } from "@/lib/auth/login-codes";
import { UserError } from "@/lib/errors";
import { findTenantBySlug } from "@/lib/tenants/tenants";
import { operatorAction } from "@/lib/web/action";

/** Operators require (or stop requiring) login codes for a tenant's admins. */
export const setAdminLoginCodes = operatorAction(
  z.object({ slug: z.string().max(64), on: z.enum(["1", "0"]) }),
  async (input, actor) => {
    const tenant = await findTenantBySlug(input.slug);
    if (!tenant) throw new UserError("not_found", "This tenant does not exist.");
    await requireCodesForAdmins(actor.userId, tenant.id, input.on === "1");
    revalidatePath(`/ops/tenants/${tenant.slug}`);
    return {
      ok: true as const,
      message:
        input.on === "1"
          ? `The admins of ${tenant.name} now sign in with a login code after their password.`
          : `The admins of ${tenant.name} follow the organisation's own setting again.`,
    };
  },
);
