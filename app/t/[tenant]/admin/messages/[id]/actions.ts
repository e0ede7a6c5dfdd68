"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { renotify } from "@/lib/messages/renotify";
import { adminAction } from "@/lib/web/action";

export const renotifyMessage = adminAction(
  z.object({ messageId: z.string().max(64) }),
  async ({ messageId }, ctx) => {
    const result = await renotify(ctx, messageId);
    revalidatePath(`/t/${ctx.tenant.slug}/admin/messages/${messageId}`);
    return { ok: true as const, message: result.message };
  },
);
