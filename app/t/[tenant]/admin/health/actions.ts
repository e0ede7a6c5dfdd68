"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { resumeTenant } from "@/lib/health/control";
import { removeMemberAddress } from "@/lib/members/members";
import { adminAction } from "@/lib/web/action";

const healthPath = (slug: string) => `/t/${slug}/admin/health`;

/** The admin cleaned the list and resumes what the breaker paused. */
export const resumeSending = adminAction(
  z.object({
    confirmClean: z.literal("on", {
      error: "Tick the box to confirm the addresses that bounced were fixed or removed.",
    }),
  }),
  async (_input, ctx) => {
    const { released } = await resumeTenant(ctx.actor, ctx.tenant.id);
    revalidatePath(`/t/${ctx.tenant.slug}/admin`, "layout");
    return {
      ok: true,
      message: `Sending resumed carefully: ${released.toLocaleString("en")} held ${released === 1 ? "mail goes" : "mails go"} out now, a few at a time. It pauses again at once if they bounce.`,
    };
  },
);

/** Takes a bounced address off its member; one who has not started gets an activation code. */
export const removeBouncedAddress = adminAction(z.object({ id: z.uuid() }), async ({ id }, ctx) => {
  const { loginId, code, removed } = await removeMemberAddress(ctx, id);
  revalidatePath(healthPath(ctx.tenant.slug));
  return {
    ok: true,
    message: code
      ? `${removed} was taken off ${loginId}. They have not started yet: hand them this activation code (shown once): ${code}.`
      : `${removed} was taken off ${loginId}; no more mail goes to it.`,
  };
});
