/** The remedies for invitations that did not reach members who have not started. */
import { and, eq } from "drizzle-orm";
import { db } from "@/db/client";
import { auditLog, users } from "@/db/schema";
import type { TenantActor } from "@/lib/auth/actor";
import { UserError } from "@/lib/errors";
import { workbookBuffer } from "@/lib/export/xlsx";
import { laneOf } from "@/lib/mail/templates";
import { updateMember } from "@/lib/members/members";
import { giveWayIn } from "@/lib/members/way-in";
import { ledgerRows } from "../ledger";
import {
  type RemedyAnswer,
  audit,
  checkSelection,
  onOpenRows,
  pauseInFront,
  sentence,
  issueToEach,
} from "./common";

/** Invitations to members who have not started: a new link to their address now (the old one ends). */
export async function resendInvitations(
  ctx: TenantActor,
  ids: readonly number[],
): Promise<RemedyAnswer> {
  checkSelection(ids);
  let noAddress = 0;
  const out = await onOpenRows(ctx, ids, ["invitation_new"], async (tx, rows) => {
    const sendable = rows.filter((r) => r.currentEmail && r.memberStatus === "invited");
    noAddress = rows.length - sendable.length;
    for (const r of sendable) {
      await giveWayIn(tx, {
        tenantId: ctx.tenant.id,
        userId: r.memberId,
        loginId: r.loginId,
        name: r.name,
        email: r.currentEmail,
      });
    }
    await audit(tx, ctx, "unsent.invitation_resent", sendable);
    return sendable.length;
  });
  const done = out.result;
  const answer = {
    done,
    skipped: out.skipped,
    unfit: out.unfit + noAddress,
    behindPause: done ? await pauseInFront(ctx.tenant.id, laneOf("invitation")) : null,
  };
  return {
    ...answer,
    message: sentence(
      "Invitations queued",
      answer,
      "not an invitation to someone who has not started, no address, or the member is disabled: give them an activation code instead.",
    ),
  };
}

/** One invitation row: a corrected address (checked like any new one), and a new invitation to it. */
export async function fixAddressAndResend(
  ctx: TenantActor,
  mailId: number,
  input: { email: string; addressExists?: "on" },
): Promise<RemedyAnswer> {
  const [row] = await ledgerRows({ tenantId: ctx.tenant.id }, { mailIds: [mailId] }, { limit: 1 });
  if (!row || row.resolvedBy !== null)
    throw new UserError("conflict", "This row was resolved meanwhile: nothing was changed.");
  if (row.unsentCase !== "invitation_new" || row.memberStatus !== "invited")
    throw new UserError("invalid", "Only an invitation to someone who has not started is resent.");
  const changed = (row.currentEmail ?? "").toLowerCase() !== input.email.trim().toLowerCase();
  if (changed) {
    // Checks the address like a new member's, and queues the new invitation with it.
    await updateMember(ctx, {
      id: row.memberId,
      name: row.name,
      email: input.email,
      addressExists: input.addressExists,
    });
    await db.insert(auditLog).values({
      tenantId: ctx.tenant.id,
      actorId: ctx.actor.userId,
      action: "unsent.address_fixed",
      subjectId: row.memberId,
      detail: { mailId },
    });
    const behindPause = await pauseInFront(ctx.tenant.id, "bulk");
    const answer = { done: 1, skipped: 0, unfit: 0, behindPause };
    return {
      ...answer,
      message: sentence(`Address of ${row.loginId} corrected; invitation queued`, answer, ""),
    };
  }
  if (input.addressExists === "on" && row.currentEmail) {
    // The same address, now confirmed by the admin: later resends and reset links go to it too.
    await db
      .update(users)
      .set({ confirmedAddress: row.currentEmail })
      .where(and(eq(users.id, row.memberId), eq(users.tenantId, ctx.tenant.id)));
  }
  return resendInvitations(ctx, [mailId]);
}

export type IssuedCode = { loginId: string; name: string; code: string };

/** Invitations that did not arrive: activation codes instead, on paper (their links stop working). */
export async function issueActivationCodes(
  ctx: TenantActor,
  ids: readonly number[],
): Promise<RemedyAnswer & { codes: IssuedCode[]; workbook: string | null }> {
  checkSelection(ids);
  const { issued: codes, ...answer } = await issueToEach(ctx, ids, {
    unsentCase: "invitation_new",
    eligible: (r) => r.memberStatus === "invited",
    issue: async (tx, r): Promise<IssuedCode | null> => {
      const wayIn = await giveWayIn(tx, {
        tenantId: ctx.tenant.id,
        userId: r.memberId,
        loginId: r.loginId,
        name: r.name,
        email: null,
      });
      return wayIn.kind === "code" ? { loginId: r.loginId, name: r.name, code: wayIn.code } : null;
    },
    kind: "activation_code",
    verb: "Activation codes issued (shown once)",
    unfitWhy: "not an invitation to someone who has not started, or the member is disabled.",
  });
  const workbook = codes.length
    ? (
        await workbookBuffer([
          {
            name: "Activation codes",
            columns: [
              { header: "Login ID", width: 20 },
              { header: "Name", width: 28 },
              { header: "Activation code", width: 18 },
            ],
            rows: codes.map((c) => [c.loginId, c.name, c.code]),
          },
        ])
      ).toString("base64")
    : null;
  return { ...answer, codes, workbook };
}
