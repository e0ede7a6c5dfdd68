/**
 * Resending invitations, with an answer that is true for each member: the stored address is checked
 * the way a new one is (lib/members/address-check) before anything is queued, and what is queued is
 * foreseen with the guard's own decide() (lib/mail/foresee): sent, held behind a pause and why, or
 * blocked and what to do.
 */
import { sql } from "drizzle-orm";
import { db } from "@/db/client";
import { users } from "@/db/schema";
import type { TenantActor } from "@/lib/auth/actor";
import { foresee, foreseeOne, foresightSentence } from "@/lib/mail/foresee";
import type { BlockReason, HoldReason } from "@/lib/mail/guard";
import { checkMemberAddress, refusalOf } from "./address-check";
import { audit, checkIds, mine } from "./selection";
import { giveWayIn } from "./way-in";

export type ResendOutcome = {
  memberId: string;
  loginId: string;
  address: string | null;
  /** sent: goes out now; held: queued behind a pause; blocked: nothing goes; skipped: not theirs to get. */
  kind: "sent" | "held" | "blocked" | "skipped";
  reason?: HoldReason | BlockReason | string;
  /** What happens and, when it does not go, what to do: one or two sentences. */
  text: string;
  /** A corrected address, when the stored one looks like a typo. */
  suggestion?: string;
};

const CODE_INSTEAD = "Or give them an activation code instead (on their page).";

/**
 * New invitation links for the selected members who have not started and have an address that
 * passes the check; the old links stop working. `addressChecked`: the admin confirmed the stored
 * address exists (overrides a typo suggestion or a domain our DNS did not find, as on the form).
 */
export async function resendInvitations(
  ctx: TenantActor,
  ids: readonly string[],
  options: { addressChecked?: boolean } = {},
): Promise<ResendOutcome[]> {
  checkIds(ctx, ids);
  const targets = await db
    .select({
      id: users.id,
      loginId: users.loginId,
      name: users.name,
      email: users.email,
      confirmedAddress: users.confirmedAddress,
      status: users.status,
    })
    .from(users)
    .where(mine(ctx, ids));
  const outcomes = new Map<string, ResendOutcome>();
  const base = (t: (typeof targets)[number]) => ({
    memberId: t.id,
    loginId: t.loginId,
    address: t.email,
  });
  const candidates = [];
  for (const t of targets) {
    if (t.status !== "invited") {
      outcomes.set(t.id, {
        ...base(t),
        kind: "skipped",
        reason: t.status,
        text:
          t.status === "active"
            ? "Has already started: their login ID and password work."
            : "Is disabled: enable them first.",
      });
    } else if (!t.email) {
      outcomes.set(t.id, {
        ...base(t),
        kind: "skipped",
        reason: "no_address",
        text: "Has no address to send to: give them an activation code instead (on their page).",
      });
    } else candidates.push(t);
  }
  // The same check as a new address, before anything is queued.
  const checks = await Promise.all(
    candidates.map((t) => checkMemberAddress(ctx.tenant.id, t.email!)),
  );
  const queueable = candidates.filter((t, i) => {
    const confirmed = options.addressChecked === true || t.confirmedAddress === t.email;
    const refusal = refusalOf(checks[i]!.problems, confirmed);
    if (!refusal) return true;
    outcomes.set(t.id, {
      ...base(t),
      kind: "blocked",
      reason: refusal.code,
      text: `Not sent: ${refusal.message} ${CODE_INSTEAD}`,
      ...(refusal.suggestion ? { suggestion: refusal.suggestion } : {}),
    });
    return false;
  });
  await db.transaction(async (tx) => {
    if (options.addressChecked && queueable.length) {
      // The admin confirmed these addresses: later resends and reset links need not ask again.
      await tx
        .update(users)
        .set({ confirmedAddress: sql`${users.email}` })
        .where(
          mine(
            ctx,
            queueable.map((t) => t.id),
          ),
        );
    }
    for (const t of queueable) {
      await giveWayIn(tx, {
        tenantId: ctx.tenant.id,
        userId: t.id,
        loginId: t.loginId,
        name: t.name,
        email: t.email!,
      });
    }
    await audit(
      tx,
      ctx,
      "member.invitation_resent",
      queueable.map((t) => t.id),
      { addressChecked: options.addressChecked === true },
    );
  });
  // Invitations go on the bulk lane; what the guard would decide for each of them now.
  const foreseen = await foresee(
    queueable.map((t) => ({ tenantId: ctx.tenant.id, lane: "bulk" as const, toAddress: t.email })),
  );
  queueable.forEach((t, i) => {
    const f = foreseen[i]!;
    outcomes.set(
      t.id,
      f.kind === "send"
        ? { ...base(t), kind: "sent", text: `A new invitation is on its way to ${t.email}.` }
        : f.kind === "hold"
          ? {
              ...base(t),
              kind: "held",
              reason: f.reason,
              text: `Queued but held, not sent yet: ${f.text}`,
            }
          : {
              ...base(t),
              kind: "blocked",
              reason: f.reason,
              text: `Not sent: ${f.text} ${CODE_INSTEAD}`,
            },
    );
  });
  return ids.flatMap((id) => outcomes.get(id) ?? []);
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
const MAX_NAMED = 5;

function named(list: readonly ResendOutcome[], withText: boolean): string {
  const shown = list
    .slice(0, MAX_NAMED)
    .map((o) =>
      withText
        ? `${o.loginId} (${o.text.replace(/^Not sent: /, "").replace(/\.$/, "")})`
        : o.loginId,
    );
  const more = list.length - shown.length;
  return shown.join("; ") + (more > 0 ? `; and ${more} more` : "");
}

/** The answer to a resend, for one member or many: what happened to each, in words. */
export function resendAnswer(outcomes: readonly ResendOutcome[]): { ok: boolean; message: string } {
  if (outcomes.length === 1) {
    const [o] = outcomes as [ResendOutcome];
    if (o.kind === "sent") return { ok: true, message: `${o.text} The old link no longer works.` };
    if (o.kind === "held")
      return {
        ok: true,
        message: `A new invitation to ${o.address} is ${o.text.charAt(0).toLowerCase()}${o.text.slice(1)} It goes out by itself once that is lifted; the old link no longer works.`,
      };
    return {
      ok: false,
      message:
        o.kind === "skipped"
          ? `Nothing sent: this member ${o.text.charAt(0).toLowerCase()}${o.text.slice(1)}`
          : o.text,
    };
  }
  const by = (kind: ResendOutcome["kind"]) => outcomes.filter((o) => o.kind === kind);
  const [sent, held, blocked, skipped] = [by("sent"), by("held"), by("blocked"), by("skipped")];
  const parts: string[] = [];
  if (sent.length)
    parts.push(`New invitations on their way to ${plural(sent.length, "member", "members")}.`);
  if (held.length) {
    parts.push(
      `Queued but held, not sent yet (${held.length}): ${named(held, false)}. ${held[0]!.text.replace(/^Queued but held, not sent yet: /, "")}`,
    );
  }
  if (blocked.length) parts.push(`Not sent (${blocked.length}): ${named(blocked, true)}.`);
  if (skipped.length) parts.push(`Skipped (${skipped.length}): ${named(skipped, true)}.`);
  return { ok: sent.length + held.length > 0, message: parts.join(" ") || "Nothing to send." };
}

/** The truthful sentence for one invitation just queued to `address` (add, edit, fix). */
export async function invitationSentence(
  tenantId: string,
  address: string,
  what = "A new invitation",
): Promise<string> {
  const f = await foreseeOne({ tenantId, lane: "bulk", toAddress: address });
  return foresightSentence(what, address, f);
}
