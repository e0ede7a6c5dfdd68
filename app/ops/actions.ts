"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { retryParkedEvent } from "@/lib/feedback/applier";
import { resumeAllBulk, stopAllBulk } from "@/lib/health/control";
import { operatorAction } from "@/lib/web/action";

const reason = z.string().trim().max(500, "Keep the reason under 500 characters.");

/** The switch: all bulk mail of the account waits, transactional still goes. */
export const stopBulk = operatorAction(z.object({ reason }), async (input, actor) => {
  await stopAllBulk(actor, input.reason);
  revalidatePath("/ops");
  return { ok: true, message: "All bulk mail is stopped. Transactional mail still goes." };
});

export const resumeBulk = operatorAction(z.object({}), async (_input, actor) => {
  const { released } = await resumeAllBulk(actor);
  revalidatePath("/ops");
  return {
    ok: true,
    message: `Bulk mail resumed: ${released.toLocaleString("en")} held ${released === 1 ? "mail is" : "mails are"} due now.`,
  };
});

/** A parked SES event (its apply kept failing) is tried again, after the operator fixed the cause. */
export const retryParkedFeedback = operatorAction(
  z.object({ eventId: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) }),
  async (input, actor) => {
    if (!(await retryParkedEvent(input.eventId, actor))) {
      return {
        ok: false,
        message:
          "That event is not parked any more: it was applied or tried again already. Refresh the page to see where it is.",
      };
    }
    revalidatePath("/ops");
    return { ok: true, message: "The event is due again: the applier tries it now." };
  },
);
