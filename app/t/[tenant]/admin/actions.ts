"use server";

import { z } from "zod";
import { adminAction } from "@/lib/web/action";
import { queueTestMail } from "@/lib/mail/probe";

export const sendTestMail = adminAction(z.object({}), async (_input, ctx) => {
  const { id } = await queueTestMail(ctx);
  return { ok: true, message: "Test mail queued.", data: { id } };
});
