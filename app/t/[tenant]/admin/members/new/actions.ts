"use server";

import { z } from "zod";
import { adminAction } from "@/lib/web/action";
import { workbookBuffer } from "@/lib/export/xlsx";
import { adviseOnAddress, type AddressAdvice } from "@/lib/members/address-check";
import { codesSheet } from "@/lib/members/import/report";
import { createMember, memberFormSchema, type CreatedMember } from "@/lib/members/members";

export type AddedMember = CreatedMember & {
  /** The code's sheet as .xlsx (base64), for members without an address: shown once. */
  codeSheet: string | null;
};

export const addMember = adminAction(memberFormSchema, async (input, ctx) => {
  const created = await createMember(ctx, input);
  const codeSheet = created.activationCode
    ? (
        await workbookBuffer(
          codesSheet(ctx.tenant, [
            { loginId: created.loginId, name: input.name, code: created.activationCode },
          ]),
        )
      ).toString("base64")
    : null;
  const data: AddedMember = { ...created, codeSheet };
  return { ok: true, message: `${created.loginId} was added.`, data };
});

/** The address as typed, checked when the field loses focus: the same check as adding stores. */
export const checkTypedAddress = adminAction(
  z.object({ email: memberFormSchema.shape.email }),
  async (input, ctx) => {
    const data: AddressAdvice[] = input.email
      ? await adviseOnAddress(ctx.tenant.id, input.email)
      : [];
    return { ok: true, data };
  },
);
