"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { setLoginCodes } from "@/lib/auth/login-codes";
import { adminAction } from "@/lib/web/action";

export const saveLoginCodes = adminAction(
  z.object({ on: z.enum(["1", "0"]) }),
  async ({ on }, ctx) => {
    await setLoginCodes(ctx, on === "1");
    revalidatePath(`/t/${ctx.tenant.slug}/admin/login-codes`);
    return {
      ok: true as const,
      message:
        on === "1"
          ? "Login codes are on: from their next sign-in, members enter a code from their e-mail after the password."
          : "Login codes are off: members sign in with their password alone.",
    };
  },
);
