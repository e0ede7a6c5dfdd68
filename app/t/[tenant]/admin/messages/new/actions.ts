"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { noticeModes } from "@/db/schema/messages";
import { UserError } from "@/lib/errors";
import { parseAudience } from "@/lib/messages/audience";
import { postMessage } from "@/lib/messages/post";
import { adminAction } from "@/lib/web/action";

const text = (max: number) => z.string().max(max, "This is far too long.").default("");

const schema = z.object({
  subject: text(10_000),
  body: text(1_000_000),
  noticeMode: z.enum(noticeModes, "Choose whether and when to tell them by e-mail."),
  audience: z.enum(["all", "filter", "selected"]).default("all"),
  ids: text(40_000),
  status: text(20),
  email: text(20),
  never: text(1),
  q: text(200),
});

export const sendMessage = adminAction(schema, async (input, ctx) => {
  const parsed = parseAudience(input);
  if (!parsed.ok) throw new UserError("invalid", parsed.message);
  const posted = await postMessage(ctx, { ...input, audience: parsed.audience });
  redirect(`/t/${ctx.tenant.slug}/admin/messages/${posted.messageId}?posted=1`);
});
