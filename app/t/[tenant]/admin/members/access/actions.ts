"use server";

import { z } from "zod";
import { adminAction } from "@/lib/web/action";
import { memberLoginIdSchema } from "@/lib/auth/login-id";
import { adminSendReset, adminTemporaryPassword } from "@/lib/members/password-reset";

const schema = z.object({ loginId: memberLoginIdSchema });

export const sendResetLink = adminAction(schema, async (input, ctx) => {
  const { sentence } = await adminSendReset(ctx, input.loginId);
  return { ok: true, message: `${sentence} It works once, for an hour.` };
});

export const setTemporaryPassword = adminAction(schema, async (input, ctx) => {
  const { password } = await adminTemporaryPassword(ctx, input.loginId);
  return {
    ok: true,
    message: `Temporary password for ${input.loginId}: they must choose their own when they sign in.`,
    data: { password },
  };
});
