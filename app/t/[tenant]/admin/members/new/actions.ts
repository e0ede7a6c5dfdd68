"use server";

import { adminAction } from "@/lib/action";
import { createMember, memberFormSchema, type CreatedMember } from "@/lib/members/members";

export const addMember = adminAction(memberFormSchema, async (input, ctx) => {
  const created = await createMember(ctx, input);
  return { ok: true, message: `${created.loginId} was added.`, data: created } as {
    ok: true;
    message: string;
    data: CreatedMember;
  };
});
