"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
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
