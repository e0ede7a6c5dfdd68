/**
 * The e-mailed login code: a 6-digit code by e-mail (transactional lane, 10 minutes, 5 tries, a new
 * one after a cool-down), checked on the code page together with the member's bypass codes
 * (./bypass.ts). Only hashes are stored.
 */
import { randomInt } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { db, type Executor } from "@/db/client";
import { loginCodes, users, type User } from "@/db/schema";
import { UserError } from "@/lib/errors";
import { loadAccount } from "@/lib/mail/account";
import { cancelMails, enqueue } from "@/lib/mail/outbox";
import { hashSecret, sameHash } from "@/lib/members/secrets";
import { suppressedAmong } from "@/lib/suppressions";
import { redeemBypassCode } from "./bypass";

export const CODE_VALID_MS = 10 * 60_000;
export const CODE_TRIES = 5;
export const RESEND_COOL_DOWN_MS = 60_000;

export type Undeliverable = "no_address" | "suppressed" | "sending_paused";

export const UNDELIVERABLE_TEXT: Record<Undeliverable, string> = {
  no_address: "We cannot send you a login code: there is no e-mail address on your account.",
  suppressed:
    "We cannot send you a login code: mail to your address bounced or was refused before, so we no longer send to it.",
  sending_paused:
    "We cannot send you a login code right now: sending e-mail is paused for the whole platform.",
};

const codeHash = (id: string, code: string) => hashSecret(`${id}:${code}`);

function maskAddress(address: string | null): string | null {
  if (!address) return null;
  const at = address.lastIndexOf("@");
  if (at < 1) return null;
  return `${address[0]}${"•".repeat(Math.min(6, at - 1))}${address.slice(at)}`;
}

/** Why a code cannot reach this member now, at once: not after they waited for it. */
async function undeliverable(
  tx: Executor,
  tenantId: string,
  member: { email: string | null; emailStatus: User["emailStatus"] },
): Promise<Undeliverable | null> {
  if (!member.email) return "no_address";
  if (["bounced", "complained", "suppressed", "invalid"].includes(member.emailStatus)) {
    return "suppressed";
  }
  if ((await suppressedAmong(tx, tenantId, [member.email])).size > 0) return "suppressed";
  const account = await loadAccount(tx);
  if (
    (account.pausedUntil && account.pausedUntil > new Date()) ||
    account.sendingEnabled === false
  ) {
    return "sending_paused";
  }
  return null;
}

async function queueCode(
  tx: Executor,
  spec: { tenantId: string; userId: string; name: string; email: string | null; id: string },
): Promise<{ mailId: number; code: string }> {
  const code = String(randomInt(0, 1_000_000)).padStart(6, "0");
  const { id: mailId } = await enqueue(tx, {
    tenantId: spec.tenantId,
    memberId: spec.userId,
    category: "login_code",
    to: spec.email,
    params: { memberName: spec.name, code },
  });
  return { mailId, code };
}

/**
 * After a correct password: a new pending sign-in with its code queued (in the caller's
 * transaction). Its id is what the code page carries; a code still waiting from before is replaced.
 */
export async function startChallenge(
  tx: Executor,
  tenantId: string,
  userId: string,
  now = new Date(),
): Promise<string> {
  const [member] = await tx
    .select({ name: users.name, email: users.email })
    .from(users)
    .where(and(eq(users.id, userId), eq(users.tenantId, tenantId)));
  if (!member) throw new UserError("not_found", "This account no longer exists.");
  const [row] = await tx
    .insert(loginCodes)
    .values({
      tenantId,
      userId,
      kind: "email",
      codeHash: "",
      expiresAt: new Date(now.getTime() + CODE_VALID_MS),
      sentAt: now,
      createdAt: now,
    })
    .returning({ id: loginCodes.id });
  const id = row!.id;
  const { mailId, code } = await queueCode(tx, { tenantId, userId, ...member, id });
  await tx
    .update(loginCodes)
    .set({ codeHash: codeHash(id, code), mailId })
    .where(eq(loginCodes.id, id));
  return id;
}

export type ChallengeView =
  | {
      state: "pending";
      address: string | null;
      undeliverable: Undeliverable | null;
      triesLeft: number;
      resendInSeconds: number;
    }
  | { state: "over"; message: string };

const OVER = {
  expired: "This sign-in has expired (codes work for 10 minutes). Sign in again.",
  used: "This sign-in is complete or was replaced. Sign in again.",
  locked: "Too many wrong codes. Sign in again with your password to get a new code.",
};

type ChallengeRow = {
  id: string;
  userId: string;
  expiresAt: Date;
  attempts: number;
  usedAt: Date | null;
  sentAt: Date | null;
  mailId: number | null;
  email: string | null;
  emailStatus: User["emailStatus"];
  name: string;
};

async function loadChallenge(
  tx: Executor,
  tenantId: string,
  challengeId: string,
  lock = false,
): Promise<ChallengeRow | null> {
  if (!/^[0-9a-f-]{36}$/i.test(challengeId)) return null;
  const [row] = await tx.execute<ChallengeRow>(sql`
    select c.id, c.user_id as "userId", c.expires_at as "expiresAt", c.attempts, c.used_at as "usedAt",
           c.sent_at as "sentAt", c.mail_id as "mailId", u.email, u.email_status as "emailStatus", u.name
      from login_codes c join users u on u.id = c.user_id
     where c.id = ${challengeId}::uuid and c.tenant_id = ${tenantId} and c.kind = 'email'
       and u.status = 'active'
     ${lock ? sql`for update of c` : sql``}`);
  if (!row) return null;
  return {
    ...row,
    expiresAt: new Date(row.expiresAt),
    usedAt: row.usedAt ? new Date(row.usedAt) : null,
    sentAt: row.sentAt ? new Date(row.sentAt) : null,
  };
}

function overOf(row: ChallengeRow, now: Date): string | null {
  if (row.usedAt) return OVER.used;
  if (row.attempts >= CODE_TRIES) return OVER.locked;
  if (row.expiresAt <= now) return OVER.expired;
  return null;
}

/** What the code page shows: where the code went, or at once that it cannot arrive and why. */
export async function challengeView(tenantId: string, challengeId: string): Promise<ChallengeView> {
  const now = new Date();
  const row = await loadChallenge(db, tenantId, challengeId);
  if (!row) return { state: "over", message: OVER.used };
  const over = overOf(row, now);
  if (over) return { state: "over", message: over };
  let why = await undeliverable(db, tenantId, row);
  // The guard's own verdict on the code's mail, once it has one.
  if (!why && row.mailId) {
    const [mail] = await db.execute<{ status: string; reason: string | null }>(
      sql`select status, reason from outbound_emails where id = ${row.mailId}`,
    );
    if (mail?.status === "blocked")
      why = mail.reason === "no_address" ? "no_address" : "suppressed";
    else if (mail?.status === "held" && mail.reason === "account_paused") why = "sending_paused";
  }
  const wait = row.sentAt ? row.sentAt.getTime() + RESEND_COOL_DOWN_MS - now.getTime() : 0;
  return {
    state: "pending",
    address: maskAddress(row.email),
    undeliverable: why,
    triesLeft: CODE_TRIES - row.attempts,
    resendInSeconds: Math.max(0, Math.ceil(wait / 1000)),
  };
}

/** A new code for a pending sign-in, after the cool-down; the old one stops working. */
export async function resendCode(tenantId: string, challengeId: string): Promise<string> {
  return db.transaction(async (tx) => {
    const now = new Date();
    const row = await loadChallenge(tx, tenantId, challengeId, true);
    if (!row) throw new UserError("invalid", OVER.used);
    const over = overOf(row, now);
    if (over) throw new UserError("invalid", over);
    const wait = row.sentAt ? row.sentAt.getTime() + RESEND_COOL_DOWN_MS - now.getTime() : 0;
    if (wait > 0) {
      throw new UserError(
        "rate_limited",
        `A code was sent moments ago. Wait ${Math.ceil(wait / 1000)} seconds before asking for a new one.`,
      );
    }
    const why = await undeliverable(tx, tenantId, row);
    if (why)
      throw new UserError(
        "invalid",
        `${UNDELIVERABLE_TEXT[why]} Ask your administrator for a one-time bypass code.`,
      );
    if (row.mailId) await cancelMails(tx, { tenantId, ids: [Number(row.mailId)] }, "superseded");
    const { mailId, code } = await queueCode(tx, { tenantId, ...row, id: row.id });
    await tx
      .update(loginCodes)
      .set({
        codeHash: codeHash(row.id, code),
        mailId,
        sentAt: now,
        expiresAt: new Date(now.getTime() + CODE_VALID_MS),
      })
      .where(eq(loginCodes.id, row.id));
    return `A new code is on its way to ${maskAddress(row.email)}. The earlier one no longer works.`;
  });
}

export type CodeOutcome =
  { ok: true; userId: string; bypass: boolean } | { ok: false; message: string };

/**
 * Checks a code typed on the code page: the e-mailed code, or an unused bypass code of the member.
 * A wrong one counts against the 5 tries. On success the pending sign-in is used up (the caller
 * opens the session in the same transaction).
 */
export async function verifyCode(
  tx: Executor,
  tenantId: string,
  challengeId: string,
  typed: string,
  now = new Date(),
): Promise<CodeOutcome> {
  const row = await loadChallenge(tx, tenantId, challengeId, true);
  if (!row) return { ok: false, message: OVER.used };
  const over = overOf(row, now);
  if (over) return { ok: false, message: over };
  const digits = typed.replace(/\s/g, "");
  const [stored] = await tx
    .select({ hash: loginCodes.codeHash })
    .from(loginCodes)
    .where(eq(loginCodes.id, row.id));
  if (/^\d{6}$/.test(digits) && sameHash(stored!.hash, codeHash(row.id, digits))) {
    await tx.update(loginCodes).set({ usedAt: now }).where(eq(loginCodes.id, row.id));
    return { ok: true, userId: row.userId, bypass: false };
  }
  if (await redeemBypassCode(tx, tenantId, row.userId, typed, now)) {
    await tx.update(loginCodes).set({ usedAt: now }).where(eq(loginCodes.id, row.id));
    return { ok: true, userId: row.userId, bypass: true };
  }
  const attempts = row.attempts + 1;
  await tx.update(loginCodes).set({ attempts }).where(eq(loginCodes.id, row.id));
  if (attempts >= CODE_TRIES) return { ok: false, message: OVER.locked };
  const left = CODE_TRIES - attempts;
  return {
    ok: false,
    message: `That code is not right. ${left} ${left === 1 ? "try" : "tries"} left.`,
  };
}
