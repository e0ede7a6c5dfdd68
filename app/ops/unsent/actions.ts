"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { noticeAnswer, noticeTenantAdmins } from "@/lib/unsent/operators";
import { ledgerQuery } from "@/lib/unsent/view";
import { operatorAction } from "@/lib/web/action";

/** Each tenant with members still to reach: an in-app message to its admins with their list. */
export const noticeAdminsOfUnsent = operatorAction(
  z.object({ period: z.string().max(16).optional() }),
  async (input, actor) => {
    const query = await ledgerQuery({ period: input.period });
    const answer = await noticeTenantAdmins(actor, query);
    revalidatePath("/ops/unsent");
    return { ok: true, message: noticeAnswer(answer) };
  },
);
