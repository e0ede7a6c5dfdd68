"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { adminAction } from "@/lib/web/action";
import { BULK_LIMIT, deleteMembers, disableMembers, enableMembers } from "@/lib/members/selection";
import { resendAnswer, resendInvitations } from "@/lib/members/resend";

const schema = z.object({
  op: z.enum(["resend", "disable", "enable", "delete"]),
  ids: z.preprocess(
    (v) => {
      try {
        return JSON.parse(String(v));
      } catch {
        return null;
      }
    },
    z.array(z.uuid()).max(BULK_LIMIT, `Select at most ${BULK_LIMIT} members at a time.`),
  ),
});

const plural = (n: number) => `${n} member${n === 1 ? "" : "s"}`;

export const bulkMembers = adminAction(schema, async ({ op, ids }, ctx) => {
  let message: string;
  if (op === "resend") {
    const answer = resendAnswer(await resendInvitations(ctx, ids));
    revalidatePath(`/t/${ctx.tenant.slug}/admin/members`);
    // Nothing went or waits: a refusal, so it reads as one; the sentence names each member.
    return answer.ok
      ? { ok: true, message: answer.message }
      : { ok: false, message: answer.message };
  } else if (op === "disable") {
    message = `${plural(await disableMembers(ctx, ids))} disabled; they are signed out.`;
  } else if (op === "enable") {
    message = `${plural(await enableMembers(ctx, ids))} enabled.`;
  } else {
    message = `${plural(await deleteMembers(ctx, ids))} deleted; their pending mail was cancelled.`;
  }
  revalidatePath(`/t/${ctx.tenant.slug}/admin/members`);
  return { ok: true, message };
});
