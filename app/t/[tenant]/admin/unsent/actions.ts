"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { adminAction } from "@/lib/web/action";
import {
  announceRestored,
  fixAddressAndResend,
  issueBypassCodes,
  issueActivationCodes,
  markHandled,
  REMEDY_LIMIT,
  renotifyRows,
  resendInvitations,
  sendNewResetLinks,
  setTemporaryPasswords,
} from "@/lib/unsent/remedies";

/** The selected rows: their newest mails' ids, comma-separated. */
const ids = z
  .string()
  .max(REMEDY_LIMIT * 21, `Select at most ${REMEDY_LIMIT} rows at a time.`)
  .transform((v) => v.split(",").filter(Boolean).map(Number))
  .pipe(
    z
      .array(z.number().int().positive())
      .min(1, "Select at least one row first.")
      .max(REMEDY_LIMIT, `Select at most ${REMEDY_LIMIT} rows at a time.`),
  );

const refresh = (slug: string) => revalidatePath(`/t/${slug}/admin`, "layout");

export const markUnsentHandled = adminAction(
  z.object({
    ids,
    note: z.string().max(500, "A note has at most 500 characters.").optional(),
    kind: z.enum(["handled", "told_another_way"]).default("handled"),
  }),
  async (input, ctx) => {
    const answer = await markHandled(ctx, input.ids, {
      note: input.note ?? null,
      kind: input.kind,
    });
    refresh(ctx.tenant.slug);
    return { ok: true, message: answer.message };
  },
);

export const resendUnsentInvitations = adminAction(z.object({ ids }), async (input, ctx) => {
  const answer = await resendInvitations(ctx, input.ids);
  refresh(ctx.tenant.slug);
  return { ok: true, message: answer.message };
});

export const fixUnsentAddress = adminAction(
  z.object({
    id: z.coerce.number().int().positive(),
    email: z.string().trim().min(1, "Type the corrected address.").max(254),
    addressExists: z.literal("on").optional(),
  }),
  async (input, ctx) => {
    const answer = await fixAddressAndResend(ctx, input.id, input);
    refresh(ctx.tenant.slug);
    return { ok: true, message: answer.message };
  },
);

export const issueUnsentActivationCodes = adminAction(z.object({ ids }), async (input, ctx) => {
  const { codes, workbook, message } = await issueActivationCodes(ctx, input.ids);
  refresh(ctx.tenant.slug);
  return { ok: true, message, data: { codes, workbook } };
});

export const sendUnsentResetLinks = adminAction(z.object({ ids }), async (input, ctx) => {
  const answer = await sendNewResetLinks(ctx, input.ids);
  refresh(ctx.tenant.slug);
  return { ok: true, message: answer.message };
});

export const setUnsentTemporaryPasswords = adminAction(z.object({ ids }), async (input, ctx) => {
  const { passwords, message } = await setTemporaryPasswords(ctx, input.ids);
  refresh(ctx.tenant.slug);
  return { ok: true, message, data: { passwords } };
});

export const renotifyUnsent = adminAction(z.object({ ids }), async (input, ctx) => {
  const answer = await renotifyRows(ctx, input.ids);
  refresh(ctx.tenant.slug);
  return { ok: true, message: answer.message };
});

export const announceRestoredFromLedger = adminAction(z.object({}), async (_input, ctx) => {
  const { message } = await announceRestored(ctx);
  refresh(ctx.tenant.slug);
  return { ok: true, message };
});

export const issueUnsentBypassCodes = adminAction(z.object({ ids }), async (input, ctx) => {
  const { codes, message } = await issueBypassCodes(ctx, input.ids);
  refresh(ctx.tenant.slug);
  return { ok: true, message, data: { codes } };
});
