"use server";

import { z } from "zod";
import { announceToEveryTenant } from "@/lib/messages/announcements";
import { operatorAction } from "@/lib/web/action";

export const announceToAll = operatorAction(
  z.object({
    subject: z.string().max(10_000).default(""),
    body: z.string().max(1_000_000).default(""),
    email: z.preprocess((v) => v === "on", z.boolean()),
  }),
  async (input, actor) => {
    const { tenants, recipients } = await announceToEveryTenant(actor, input);
    return {
      ok: true as const,
      message: `Announced to ${recipients.toLocaleString("en")} members of ${tenants} organisation${tenants === 1 ? "" : "s"}${input.email ? ", by e-mail too (bulk mail, through the guard)" : " in their message boxes"}.`,
    };
  },
);
