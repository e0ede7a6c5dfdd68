"use server";

import { z } from "zod";
import { issueBypassCode } from "@/lib/auth/login-codes";
import { adminAction } from "@/lib/web/action";

/** A one-time bypass code for a member whose login code cannot reach them: shown once. */
export const issueBypass = adminAction(z.object({ id: z.uuid() }), async ({ id }, ctx) => {
  const issued = await issueBypassCode(ctx, id);
  return {
    ok: true as const,
    message: `Bypass code for ${issued.loginId}: give it to them in person or by phone. It works once, until ${issued.expiresAt.toISOString().slice(0, 16).replace("T", " ")} UTC.`,
    data: { code: issued.code },
  };
});
