"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { addSuppression, liftSuppression } from "@/lib/suppressions/manage";
import { adminAction } from "@/lib/web/action";

const address = z
  .string()
  .trim()
  .min(3, "Enter the address.")
  .max(254, "That is too long for an address.");

export const addSuppressionByHand = adminAction(
  z.object({
    address,
    note: z.string().max(500, "Keep the note under 500 characters.").default(""),
  }),
  async (input, ctx) => {
    const added = await addSuppression(
      { actor: ctx.actor, tenantId: ctx.tenant.id },
      input.address,
      input.note,
    );
    revalidatePath(`/t/${ctx.tenant.slug}/admin/suppressions`);
    return {
      ok: true,
      message: `${added} is suppressed: no mail from your organisation goes to it.`,
    };
  },
);

export const liftSuppressionOfTenant = adminAction(
  z.object({ address, confirmedExists: z.literal("on").optional() }),
  async (input, ctx) => {
    const lifted = await liftSuppression(ctx.actor, {
      tenantId: ctx.tenant.id,
      address: input.address,
      confirmedExists: input.confirmedExists === "on",
    });
    revalidatePath(`/t/${ctx.tenant.slug}/admin/suppressions`);
    return {
      ok: true,
      message: lifted.stillSuppressedForAccount
        ? `Your organisation's suppression of ${lifted.address} is lifted, but the address is still suppressed for the whole platform, so mail to it will not go. The platform's operators can lift that.`
        : `${lifted.address} is no longer suppressed: mail to it can go again.`,
    };
  },
);
