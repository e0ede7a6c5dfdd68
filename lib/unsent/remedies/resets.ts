/** The remedies for password resets that did not arrive. */
import { sql } from "drizzle-orm";
import type { Executor } from "@/db/client";
import type { TenantActor } from "@/lib/auth/actor";
import { cancelPending } from "@/lib/mail/outbox";
import {
  applyTemporaryPassword,
  newTemporaryPassword,
  queueResetLink,
} from "@/lib/members/password-reset";
import type { LedgerRow } from "../ledger";
import {
  PASSWORD_LIMIT,
  type RemedyAnswer,
  audit,
  checkSelection,
  onOpenRows,
  pauseInFront,
  sentence,
  issueToEach,
} from "./common";

/** Password resets that did not arrive: a new one-hour link to a working address. */
export async function sendNewResetLinks(
  ctx: TenantActor,
  ids: readonly number[],
): Promise<RemedyAnswer> {
  checkSelection(ids);
  const out = await onOpenRows(ctx, ids, ["password_reset"], async (tx, rows) => {
    const reachable = await deliverableMembers(tx, ctx.tenant.id, rows);
    // A reset still held would carry a link the new one replaces: it never goes out.
    await cancelPending(
      tx,
      {
        tenantId: ctx.tenant.id,
        memberIds: reachable.map((r) => r.memberId),
        category: "password_reset",
      },
      "superseded",
    );
    for (const r of reachable) {
      await queueResetLink(tx, {
        id: r.memberId,
        tenantId: ctx.tenant.id,
        loginId: r.loginId,
        name: r.name,
        email: r.currentEmail!,
      });
    }
    await audit(tx, ctx, "unsent.reset_sent", reachable);
    return { done: reachable.length, unfit: rows.length - reachable.length };
  });
  const answer = {
    done: out.result.done,
    skipped: out.skipped,
    unfit: out.unfit + out.result.unfit,
    behindPause: out.result.done ? await pauseInFront(ctx.tenant.id, "transactional") : null,
  };
  return {
    ...answer,
    message: sentence(
      "New reset links queued",
      answer,
      "not a password reset, the member is not active, or their address does not receive mail: set a temporary password instead.",
    ),
  };
}

/** Active members of these rows whose address receives mail (not bounced, complained or suppressed). */
async function deliverableMembers(
  tx: Executor,
  tenantId: string,
  rows: readonly LedgerRow[],
): Promise<LedgerRow[]> {
  if (rows.length === 0) return [];
  const ok = await tx.execute<{ id: string }>(sql`
    select id from users
     where tenant_id = ${tenantId} and status = 'active' and email is not null
       and email_status in ('unchecked', 'ok')
       and id in (select json_array_elements_text(${JSON.stringify(rows.map((r) => r.memberId))}::text::json)::uuid)`);
  const ids = new Set(ok.map((r) => r.id));
  return rows.filter((r) => ids.has(r.memberId));
}

export type IssuedPassword = { loginId: string; name: string; password: string };

/** Password resets that did not arrive: a one-time temporary password each, shown once. */
export async function setTemporaryPasswords(
  ctx: TenantActor,
  ids: readonly number[],
): Promise<RemedyAnswer & { passwords: IssuedPassword[] }> {
  checkSelection(ids, PASSWORD_LIMIT);
  // Hashing is slow on purpose: done before the lock, one per selected row.
  const fresh = await Promise.all(ids.map(() => newTemporaryPassword()));
  const { issued, ...answer } = await issueToEach(ctx, ids, {
    unsentCase: "password_reset",
    eligible: (r) => r.memberStatus === "active" && r.memberId !== ctx.actor.userId,
    issue: async (tx, r, i): Promise<IssuedPassword> => {
      await applyTemporaryPassword(tx, ctx, r.memberId, fresh[i]!.passwordHash);
      return { loginId: r.loginId, name: r.name, password: fresh[i]!.password };
    },
    kind: "temporary_password",
    verb: "Temporary passwords set (shown once; each member must choose their own at the next sign-in)",
    unfitWhy: "not a password reset, the member is not active, or it is your own account.",
  });
  return { ...answer, passwords: issued };
}
