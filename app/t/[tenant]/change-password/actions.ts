"use server";

import { z } from "zod";
import { type ActionState, type ActionResult } from "@/lib/action";
import { requirePasswordChanger, revokeSession } from "@/lib/auth/actor";
import { signOut } from "@/lib/auth/auth";
import { UserError, GENERIC_FAILURE } from "@/lib/errors";
import { changeOwnPassword } from "@/lib/members/password-reset";
import { redirect, unstable_rethrow } from "next/navigation";

const schema = z
  .object({
    current: z.string().min(1, "Enter the password you signed in with.").max(256),
    password: z.string().min(1, "Choose a password.").max(256),
    confirm: z.string(),
  })
  .refine((v) => v.password === v.confirm, {
    message: "The two passwords differ. Type the same password twice.",
    path: ["confirm"],
  });

/** The one action a member with a temporary password may take; the wrapper would send them here again. */
export async function changePassword(
  slug: string,
  _prev: ActionState,
  formData: FormData,
): Promise<ActionResult> {
  const { actor, tenant } = await requirePasswordChanger(String(slug));
  const parsed = schema.safeParse(Object.fromEntries(formData));
  if (!parsed.success) {
    return {
      ok: false,
      message: "Check the highlighted fields and try again.",
      fieldErrors: z.flattenError(parsed.error).fieldErrors as Record<string, string[]>,
    };
  }
  try {
    await changeOwnPassword(actor, tenant.id, parsed.data.current, parsed.data.password);
    await revokeSession(actor.sessionId);
    await signOut({ redirect: false });
  } catch (error) {
    unstable_rethrow(error);
    if (error instanceof UserError) {
      return {
        ok: false,
        message: error.message,
        fieldErrors: error.field ? { [error.field]: [error.message] } : undefined,
      };
    }
    console.error("[change-password]", error);
    return { ok: false, message: GENERIC_FAILURE };
  }
  redirect(`/t/${tenant.slug}/login?changed=1`);
}
