/**
 * The ledger's remedies, on selected rows (each named by its newest unsent mail). Every mail goes
 * through the outbox, so the guard paces it like all mail; a row resolved meanwhile (reached,
 * handled, or a new mail already on its way) is skipped and counted, never acted on twice: remedies
 * of one tenant take turns on an advisory lock and read the rows again under it. Audited.
 */
import { sql } from "drizzle-orm";
import { db, type Executor } from "@/db/client";
import { auditLog, unsentHandlings } from "@/db/schema";
import type { TenantActor } from "@/lib/auth/actor";
import { issueBypassCode } from "@/lib/auth/login-codes";
import { UserError } from "@/lib/errors";
import { workbookBuffer } from "@/lib/export/xlsx";
import { sendStateOf } from "@/lib/health/views";
import { cancelPending } from "@/lib/mail/outbox";
import { laneOf } from "@/lib/mail/templates";
import { announceSendingRestored } from "@/lib/messages/announcements";
import { renotify } from "@/lib/messages/renotify";
import { latestPause } from "./period";
import { updateMember } from "@/lib/members/members";
import {
  applyTemporaryPassword,
  newTemporaryPassword,
  queueResetLink,
} from "@/lib/members/password-reset";
import { giveWayIn } from "@/lib/members/way-in";
import type { UnsentCase } from "./cases";
import { ledgerRows, type LedgerRow } from "./ledger";

/** At most this many rows per remedy (temporary passwords are hashed one by one). */
export const REMEDY_LIMIT = 500;
export const PASSWORD_LIMIT = 50;

export type RemedyAnswer = {
  done: number;
  /** Resolved meanwhile (reached, handled, a new mail on its way) or no longer in the ledger. */
  skipped: number;
  /** Rows this remedy does not fit (another case, no working address): counted apart. */
  unfit: number;
  /** Set when what was queued waits behind a pause: the pause in words. */
  behindPause: string | null;
  message: string;
};

export type HandlingKind =
  "handled" | "told_another_way" | "activation_code" | "temporary_password" | "bypass_code";

const plural = (n: number, one: string, many: string) =>
  `${n.toLocaleString("en")} ${n === 1 ? one : many}`;

function checkSelection(ids: readonly number[], limit = REMEDY_LIMIT) {
  if (ids.length === 0) throw new UserError("invalid", "Select at least one row first.");
  if (ids.length > limit)
    throw new UserError("invalid", `Select at most ${limit.toLocaleString("en")} rows at a time.`);
}

/**
 * Runs `act` on the selected rows that are still open, in one transaction under the tenant's
 * ledger lock. Rows of other cases than `cases` are unfit, not skipped.
 */
async function onOpenRows<T>(
  ctx: TenantActor,
  ids: readonly number[],
  cases: readonly UnsentCase[] | null,
  act: (tx: Executor, rows: LedgerRow[]) => Promise<T>,
): Promise<{ result: T; acted: LedgerRow[]; skipped: number; unfit: number }> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`unsent:${ctx.tenant.id}`}))`);
    const found = await ledgerRows(
      { tenantId: ctx.tenant.id },
      { mailIds: ids },
      { limit: ids.length, executor: tx },
    );
    const open = found.filter((r) => r.resolvedBy === null);
    const acted = cases ? open.filter((r) => cases.includes(r.unsentCase)) : open;
    const result = await act(tx, acted);
    return {
      result,
      acted,
      skipped: ids.length - open.length,
      unfit: open.length - acted.length,
    };
  });
}

async function handle(
  tx: Executor,
  ctx: TenantActor,
  rows: readonly LedgerRow[],
  kind: HandlingKind,
  note: string | null,
) {
  if (rows.length === 0) return;
  await tx.insert(unsentHandlings).values(
    rows.map((r) => ({
      tenantId: ctx.tenant.id,
      memberId: r.memberId,
      category: r.category,
      subjectKey: r.subjectKey,
      upToMailId: r.mailId,
      kind,
      note,
      actorId: ctx.actor.userId,
    })),
  );
}

async function audit(
  tx: Executor,
  ctx: TenantActor,
  action: string,
  rows: readonly LedgerRow[],
  detail: Record<string, unknown> = {},
) {
  if (rows.length === 0) return;
  await tx.insert(auditLog).values(
    rows.map((r) => ({
      tenantId: ctx.tenant.id,
      actorId: ctx.actor.userId,
      action,
      subjectId: r.memberId,
      detail: { mailId: r.mailId, category: r.category, ...detail },
    })),
  );
}

/** Whether mail of this lane, queued now, waits behind a pause; the pause in words if so. */
export async function pauseInFront(
  tenantId: string,
  lane: "bulk" | "transactional",
): Promise<string | null> {
  const state = await sendStateOf(tenantId);
  if (state.kind !== "paused") return null;
  // Transactional mail passes every pause but SES's own.
  if (lane === "transactional" && state.pausedBy !== "ses") return null;
  return state.title;
}

function sentence(
  verb: string,
  a: { done: number; skipped: number; unfit: number; behindPause: string | null },
  unfitWhy: string,
): string {
  const parts = [`${verb}: ${a.done.toLocaleString("en")}.`];
  if (a.behindPause)
    parts.push(
      `They are queued behind the pause (${a.behindPause}) and go out by themselves when it lifts.`,
    );
  if (a.skipped)
    parts.push(
      `${plural(a.skipped, "row was", "rows were")} skipped: resolved meanwhile (reached, handled, or a new mail already on its way).`,
    );
  if (a.unfit) parts.push(`${plural(a.unfit, "row was", "rows were")} left: ${unfitWhy}`);
  return parts.join(" ");
}

const NOTE_MAX = 500;

/** Every case: the admin took care of it another way; the row leaves the ledger's open list. */
export async function markHandled(
  ctx: TenantActor,
  ids: readonly number[],
  input: { note: string | null; kind?: "handled" | "told_another_way" },
): Promise<RemedyAnswer> {
  checkSelection(ids);
  const kind = input.kind ?? "handled";
  const note = input.note?.trim().slice(0, NOTE_MAX) || null;
  const cases: UnsentCase[] | null = kind === "told_another_way" ? ["message_notice"] : null;
  const out = await onOpenRows(ctx, ids, cases, async (tx, rows) => {
    await handle(tx, ctx, rows, kind, note);
    await audit(tx, ctx, `unsent.${kind}`, rows, { note });
  });
  const answer = {
    done: out.acted.length,
    skipped: out.skipped,
    unfit: out.unfit,
    behindPause: null,
  };
  return {
    ...answer,
    message: sentence(
      kind === "handled" ? "Marked as handled" : "Marked as told another way",
      answer,
      "they are not message notices.",
    ),
  };
}

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
  return resendInvitations(ctx, [mailId]);
}

export type IssuedCode = { loginId: string; name: string; code: string };

/** Invitations that did not arrive: activation codes instead, on paper (their links stop working). */
export async function issueActivationCodes(
  ctx: TenantActor,
  ids: readonly number[],
): Promise<RemedyAnswer & { codes: IssuedCode[]; workbook: string | null }> {
  checkSelection(ids);
  const out = await onOpenRows(ctx, ids, ["invitation_new"], async (tx, rows) => {
    const eligible = rows.filter((r) => r.memberStatus === "invited");
    const codes: IssuedCode[] = [];
    for (const r of eligible) {
      const wayIn = await giveWayIn(tx, {
        tenantId: ctx.tenant.id,
        userId: r.memberId,
        loginId: r.loginId,
        name: r.name,
        email: null,
      });
      if (wayIn.kind === "code") codes.push({ loginId: r.loginId, name: r.name, code: wayIn.code });
    }
    await handle(tx, ctx, eligible, "activation_code", null);
    await audit(tx, ctx, "unsent.activation_code", eligible);
    return { codes, unfit: rows.length - eligible.length };
  });
  const { codes } = out.result;
  const answer = {
    done: codes.length,
    skipped: out.skipped,
    unfit: out.unfit + out.result.unfit,
    behindPause: null,
  };
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
  return {
    ...answer,
    codes,
    workbook,
    message: sentence(
      "Activation codes issued (shown once)",
      answer,
      "not an invitation to someone who has not started, or the member is disabled.",
    ),
  };
}

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
  const out = await onOpenRows(ctx, ids, ["password_reset"], async (tx, rows) => {
    const eligible = rows.filter(
      (r) => r.memberStatus === "active" && r.memberId !== ctx.actor.userId,
    );
    const passwords: IssuedPassword[] = [];
    for (const [i, r] of eligible.entries()) {
      await applyTemporaryPassword(tx, ctx, r.memberId, fresh[i]!.passwordHash);
      passwords.push({ loginId: r.loginId, name: r.name, password: fresh[i]!.password });
    }
    await handle(tx, ctx, eligible, "temporary_password", null);
    await audit(tx, ctx, "unsent.temporary_password", eligible);
    return { passwords, unfit: rows.length - eligible.length };
  });
  const answer = {
    done: out.result.passwords.length,
    skipped: out.skipped,
    unfit: out.unfit + out.result.unfit,
    behindPause: null,
  };
  return {
    ...answer,
    passwords: out.result.passwords,
    message: sentence(
      "Temporary passwords set (shown once; each member must choose their own at the next sign-in)",
      answer,
      "not a password reset, the member is not active, or it is your own account.",
    ),
  };
}

/**
 * Message notices that did not arrive: a new notice to each selected member who has not read the
 * message yet (the messages' own re-notify, which never tells anyone twice).
 */
export async function renotifyRows(
  ctx: TenantActor,
  ids: readonly number[],
): Promise<RemedyAnswer> {
  checkSelection(ids);
  const out = await onOpenRows(ctx, ids, ["message_notice"], async (_tx, rows) => rows);
  const byMessage = new Map<string, string[]>();
  for (const r of out.acted) {
    byMessage.set(r.subjectKey, [...(byMessage.get(r.subjectKey) ?? []), r.memberId]);
  }
  let done = 0;
  let unfit = out.unfit;
  for (const [messageId, memberIds] of byMessage) {
    try {
      const answer = await renotify(ctx, messageId, { memberIds });
      done += answer.queued;
      unfit += memberIds.length - answer.queued;
    } catch (error) {
      // A notice of a message since deleted: nothing to notify of.
      if (error instanceof UserError && error.code === "not_found") unfit += memberIds.length;
      else throw error;
    }
  }
  if (done > 0) {
    await db.insert(auditLog).values({
      tenantId: ctx.tenant.id,
      actorId: ctx.actor.userId,
      action: "unsent.renotified",
      detail: { mailIds: out.acted.map((r) => r.mailId), queued: done },
    });
  }
  const answer = {
    done,
    skipped: out.skipped,
    unfit,
    behindPause: done ? await pauseInFront(ctx.tenant.id, "bulk") : null,
  };
  return {
    ...answer,
    message: sentence(
      "New notices queued",
      answer,
      "not a message notice, the message is gone, or their notice is already on its way.",
    ),
  };
}

/**
 * For login codes that could not be sent: the ready "sending has been restored" announcement in
 * every member's message box (in-app only: it does not depend on mail). Audited by the messages.
 */
export async function announceRestored(
  ctx: TenantActor,
): Promise<{ recipients: number; message: string }> {
  const pause = await latestPause();
  const posted = await announceSendingRestored(ctx.tenant.id, {
    actorId: ctx.actor.userId,
    email: false,
    pausedSince: pause?.startedAt ?? null,
  });
  const recipients = posted?.recipients ?? 0;
  return {
    recipients,
    message: recipients
      ? `"Sending has been restored" is in the message box of ${plural(recipients, "member", "members")}: it tells them to ask for a new login code or reset link.`
      : "Nobody to tell: your organisation has no enabled member.",
  };
}

export type IssuedBypass = { loginId: string; name: string; code: string };

/** Login codes that could not reach members: a one-time bypass code each (24 hours), shown once. */
export async function issueBypassCodes(
  ctx: TenantActor,
  ids: readonly number[],
): Promise<RemedyAnswer & { codes: IssuedBypass[] }> {
  checkSelection(ids, PASSWORD_LIMIT);
  const out = await onOpenRows(ctx, ids, ["login_code"], async (tx, rows) => {
    const eligible = rows.filter((r) => r.memberStatus === "active");
    const codes: IssuedBypass[] = [];
    for (const r of eligible) {
      // The login codes' own issue (audited there); earlier unused bypass codes stop working.
      const issued = await issueBypassCode(ctx, r.memberId);
      codes.push({ loginId: r.loginId, name: r.name, code: issued.code });
    }
    await handle(tx, ctx, eligible, "bypass_code", null);
    await audit(tx, ctx, "unsent.bypass_code", eligible);
    return { codes, unfit: rows.length - eligible.length };
  });
  const answer = {
    done: out.result.codes.length,
    skipped: out.skipped,
    unfit: out.unfit + out.result.unfit,
    behindPause: null,
  };
  return {
    ...answer,
    codes: out.result.codes,
    message: sentence(
      "Bypass codes issued (shown once; each works once, for 24 hours)",
      answer,
      "not a login code, or the member is not active.",
    ),
  };
}
