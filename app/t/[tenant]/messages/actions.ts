"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { markAllRead } from "@/lib/messages/box";
import { learnerAction } from "@/lib/web/action";

export const markAllMessagesRead = learnerAction(z.object({}), async (_input, ctx) => {
  const n = await markAllRead(ctx);
  revalidatePath(`/t/${ctx.tenant.slug}`, "layout");
  return {
    ok: true as const,
    message: n ? `${n} message${n === 1 ? "" : "s"} marked read.` : "Everything was read already.",
  };
});
