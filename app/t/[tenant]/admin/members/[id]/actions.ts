"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { adminAction } from "@/lib/web/action";
import { deleteMembers, disableMembers, enableMembers } from "@/lib/members/selection";
import { resendAnswer, resendInvitations } from "@/lib/members/resend";
import { UserError } from "@/lib/errors";
import { workbookBuffer } from "@/lib/export/xlsx";
import { codesSheet } from "@/lib/members/import/report";
import {
  applyAddressSuggestion,
  findMember,
  issueActivationCode,
  memberEditSchema,
  updateMember,
} from "@/lib/members/members";

export const saveMember = adminAction(memberEditSchema, async (input, ctx) => {
  const { invitation } = await updateMember(ctx, input);
  revalidatePath(`/t/${ctx.tenant.slug}/admin/members/${input.id}`);
  return {
    ok: true,
    message: invitation ? `Saved. ${invitation} The old link no longer works.` : "Saved.",
  };
});

export const memberCommand = adminAction(
  z.object({
    id: z.uuid(),
    op: z.enum(["resend", "disable", "enable", "delete"]),
    /** "I have checked this address": resend despite a typo suggestion or a domain not found. */
    addressExists: z.literal("on").optional(),
  }),
  async ({ id, op, addressExists }, ctx) => {
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
      const answer = resendAnswer(
        await resendInvitations(ctx, [id], { addressChecked: addressExists === "on" }),
      );
      revalidatePath(`${list}/${id}`);
      if (!answer.ok) return { ok: false, message: answer.message };
      message = answer.message;
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

/** The one-click fix of a stored typo (from the member table or the member's page). */
export const fixAddress = adminAction(z.object({ id: z.uuid() }), async ({ id }, ctx) => {
  const { address, invitation } = await applyAddressSuggestion(ctx, id);
  revalidatePath(`/t/${ctx.tenant.slug}/admin/members`);
  revalidatePath(`/t/${ctx.tenant.slug}/admin/members/${id}`);
  return {
    ok: true,
    message: `Address changed to ${address}.${invitation ? ` ${invitation} The old link no longer works.` : ""}`,
  };
});

/** An activation code for one member who has not started (with or without an address), shown once. */
export const giveActivationCode = adminAction(z.object({ id: z.uuid() }), async ({ id }, ctx) => {
  const issued = await issueActivationCode(ctx, id);
  const sheet = await workbookBuffer(codesSheet(ctx.tenant, [issued]));
  revalidatePath(`/t/${ctx.tenant.slug}/admin/members/${id}`);
  return {
    ok: true,
    message: `Activation code for ${issued.loginId}: ${issued.code}. It is shown only now and works once, for 30 days; their invitation link no longer works.`,
    data: { loginId: issued.loginId, code: issued.code, sheet: sheet.toString("base64") },
  };
});
