/** What every remedy shares: the selection's limits, the lock and re-read of open rows, the audit, the answer in words; and marking rows handled. */
import { sql } from "drizzle-orm";
import { db, type Executor } from "@/db/client";
import { auditLog, unsentHandlings } from "@/db/schema";
import type { TenantActor } from "@/lib/auth/actor";
import { UserError } from "@/lib/errors";
import { sendStateOf } from "@/lib/health/views";
import type { UnsentCase } from "../cases";
import { ledgerRows, type LedgerRow } from "../ledger";

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

export const plural = (n: number, one: string, many: string) =>
  `${n.toLocaleString("en")} ${n === 1 ? one : many}`;

export function checkSelection(ids: readonly number[], limit = REMEDY_LIMIT) {
  if (ids.length === 0) throw new UserError("invalid", "Select at least one row first.");
  if (ids.length > limit)
    throw new UserError("invalid", `Select at most ${limit.toLocaleString("en")} rows at a time.`);
}

/**
 * Runs `act` on the selected rows that are still open, in one transaction under the tenant's
 * ledger lock. Rows of other cases than `cases` are unfit, not skipped.
 */
export async function onOpenRows<T>(
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

export async function handle(
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

export async function audit(
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

export function sentence(
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

/**
 * The remedies that hand each member something to pass on (an activation code, a temporary
 * password, a bypass code): on the selected open rows of `unsentCase`, each eligible member gets
 * `issue`d in the ledger lock's transaction; those rows are marked handled as `kind` and audited as
 * `unsent.<kind>`. The rest of the case are unfit; what `issue` gives back is in `issued`.
 */
export async function issueToEach<T>(
  ctx: TenantActor,
  ids: readonly number[],
  spec: {
    unsentCase: UnsentCase;
    eligible: (row: LedgerRow) => boolean;
    /** Null when nothing is handed over for the row (it is still handled). */
    issue: (tx: Executor, row: LedgerRow, index: number) => Promise<T | null>;
    kind: HandlingKind;
    verb: string;
    unfitWhy: string;
  },
): Promise<RemedyAnswer & { issued: T[] }> {
  const out = await onOpenRows(ctx, ids, [spec.unsentCase], async (tx, rows) => {
    const eligible = rows.filter(spec.eligible);
    const issued: T[] = [];
    for (const [i, r] of eligible.entries()) {
      const item = await spec.issue(tx, r, i);
      if (item !== null) issued.push(item);
    }
    await handle(tx, ctx, eligible, spec.kind, null);
    await audit(tx, ctx, `unsent.${spec.kind}`, eligible);
    return { issued, unfit: rows.length - eligible.length };
  });
  const answer = {
    done: out.result.issued.length,
    skipped: out.skipped,
    unfit: out.unfit + out.result.unfit,
    behindPause: null,
  };
  return {
    ...answer,
    issued: out.result.issued,
    message: sentence(spec.verb, answer, spec.unfitWhy),
  };
}

export const NOTE_MAX = 500;

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
