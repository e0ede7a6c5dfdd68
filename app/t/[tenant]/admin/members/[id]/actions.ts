"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { adminAction } from "@/lib/web/action";
import {
  deleteMembers,
  disableMembers,
  enableMembers,
  resendInvitations,
} from "@/lib/members/selection";
import { UserError } from "@/lib/errors";
import { findMember, memberEditSchema, updateMember } from "@/lib/members/members";

export const saveMember = adminAction(memberEditSchema, async (input, ctx) => {
  const { invitedAddress } = await updateMember(ctx, input);
  revalidatePath(`/t/${ctx.tenant.slug}/admin/members/${input.id}`);
  return {
    ok: true,
    message: invitedAddress
      ? `Saved. A new invitation is on its way to ${invitedAddress}; the old link no longer works.`
      : "Saved.",
  };
});

export const memberCommand = adminAction(
  z.object({ id: z.uuid(), op: z.enum(["resend", "disable", "enable", "delete"]) }),
  async ({ id, op }, ctx) => {
    const list = `/t/${ctx.tenant.slug}/admin/members`;
    // Loaded by id and tenant: someone else's member looks exactly like a missing one.
    if (!(await findMember(ctx.tenant.id, id))) {
      throw new UserError("not_found", "This member no longer exists.");
    }
    if (op === "delete") {
      await deleteMembers(ctx, [id]);
      revalidatePath(list);
      redirect(list);
    }
    let message: string;
    if (op === "resend") {
      const { sent } = await resendInvitations(ctx, [id]);
      message = sent
        ? "A new invitation is on its way; the old link no longer works."
        : "Nothing sent: this member has already started or has no address.";
    } else if (op === "disable") {
      await disableMembers(ctx, [id]);
      message = "Disabled; they are signed out.";
    } else {
      await enableMembers(ctx, [id]);
      message = "Enabled.";
    }
    revalidatePath(`${list}/${id}`);
    return { ok: true, message };
  },
);
