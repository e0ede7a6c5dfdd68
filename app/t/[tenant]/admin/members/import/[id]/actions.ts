"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { adminAction } from "@/lib/web/action";
import {
  applySuggestions,
  changeImportMode,
  discardImport,
  recheckImport,
} from "@/lib/members/import/edits";

const importId = z.uuid("This import no longer exists.");
const pathOf = (slug: string, id: string) => `/t/${slug}/admin/members/import/${id}`;

export const applySuggestion = adminAction(
  z.object({ id: importId, line: z.coerce.number().int().positive() }),
  async ({ id, line }, ctx) => {
    const changed = await applySuggestions(ctx, id, [line]);
    revalidatePath(pathOf(ctx.tenant.slug, id));
    return {
      ok: true,
      message: changed ? `Row ${line}: suggestion applied.` : `Row ${line} has no suggestion now.`,
    };
  },
);

export const applyAllSuggestions = adminAction(z.object({ id: importId }), async ({ id }, ctx) => {
  const changed = await applySuggestions(ctx, id, "all");
  revalidatePath(pathOf(ctx.tenant.slug, id));
  return {
    ok: true,
    message: `${changed} suggested ${changed === 1 ? "address" : "addresses"} applied; the rows were checked again.`,
  };
});

export const changeMode = adminAction(
  z.object({ id: importId, mode: z.enum(["create_only", "create_and_update"]) }),
  async ({ id, mode }, ctx) => {
    await changeImportMode(ctx, id, mode);
    revalidatePath(pathOf(ctx.tenant.slug, id));
    return {
      ok: true,
      message:
        mode === "create_only"
          ? "Mode: create only. Rows for existing members are not imported."
          : "Mode: create and update. Rows for existing members update their name and address.",
    };
  },
);

export const recheck = adminAction(z.object({ id: importId }), async ({ id }, ctx) => {
  await recheckImport(ctx, id);
  revalidatePath(pathOf(ctx.tenant.slug, id));
  return { ok: true, message: "Every row was checked again against your member list." };
});

export const discard = adminAction(z.object({ id: importId }), async ({ id }, ctx) => {
  await discardImport(ctx, id);
  redirect(`/t/${ctx.tenant.slug}/admin/members/import?discarded=1`);
});
