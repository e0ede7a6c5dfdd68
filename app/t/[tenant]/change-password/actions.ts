"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { signOut } from "@/lib/auth/auth";
import { changeOwnPassword } from "@/lib/members/password-reset";
import { passwordChangeAction } from "@/lib/web/action";
import { revokeSession } from "@/lib/web/session";

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

/** The one action a member with a temporary password may take; every other sends them here. */
export const changePassword = passwordChangeAction(schema, async (input, { actor, tenant }) => {
  await changeOwnPassword(actor, tenant.id, input.current, input.password);
  await revokeSession(actor.sessionId);
  await signOut({ redirect: false });
  redirect(`/t/${tenant.slug}/login?changed=1`);
});
