/**
 * A member who has not started gets a way in: an invitation link mailed to their address, or, without
 * one, an activation code to hand over on paper. One place for one member (add, edit, resend) and for
 * many (a bulk registration), so both mean the same: a new way in supersedes every earlier one (old
 * links and codes stop working, an old invitation still waiting in the outbox is cancelled).
 */
import type { Executor } from "@/db/client";
import { pgOf } from "@/db/client";
import type { CopyValue } from "@/db/copy";
import { cancelPending, copyBatch, enqueue, MailBatch, type MailToQueue } from "@/lib/mail/outbox";
import { formatCode, linkTokenPool, newActivationCode, newLinkToken } from "./secrets";
import { copyTokens, issueToken, tokenRow, voidTokens, WAY_IN_KINDS } from "./tokens";

export const INVITATION_DAYS = 7;
export const ACTIVATION_CODE_DAYS = 30;

export type Newcomer = {
  tenantId: string;
  userId: string;
  loginId: string;
  name: string;
  /** Normalised, checked; null for a member without an address. */
  email: string | null;
};

export type WayIn =
  | { kind: "invitation"; address: string; mailId: number }
  /** Shown once, formatted (ABCDE-FGHJK); only its hash is stored. */
  | { kind: "code"; code: string };

const invitation = (member: Newcomer, token: string): Omit<MailToQueue, "batchId"> => ({
  tenantId: member.tenantId,
  memberId: member.userId,
  category: "invitation",
  to: member.email,
  params: { memberName: member.name, loginId: member.loginId, token },
});

/** Ends a member's earlier ways in: unused links and codes, and an invitation not yet sent. */
export async function supersedeWaysIn(
  tx: Executor,
  tenantId: string,
  userIds: readonly string[],
): Promise<void> {
  await voidTokens(tx, { tenantId, userIds, kinds: WAY_IN_KINDS });
  await cancelPending(tx, { tenantId, memberIds: userIds, category: "invitation" }, "superseded");
}

/** One member's new way in, in the caller's transaction. */
export async function giveWayIn(tx: Executor, member: Newcomer): Promise<WayIn> {
  await cancelPending(
    tx,
    { tenantId: member.tenantId, memberIds: [member.userId], category: "invitation" },
    "superseded",
  );
  const secret = member.email ? newLinkToken() : newActivationCode();
  await issueToken(tx, {
    tenantId: member.tenantId,
    userId: member.userId,
    kind: member.email ? "invitation" : "activation_code",
    secret,
    ttlMs: (member.email ? INVITATION_DAYS : ACTIVATION_CODE_DAYS) * 86_400_000,
    supersedes: WAY_IN_KINDS,
  });
  if (!member.email) return { kind: "code", code: formatCode(secret) };
  const mail = await enqueue(tx, invitation(member, secret));
  return { kind: "invitation", address: member.email, mailId: mail.id };
}

export type WaysIn = {
  /** The invitations' batch in the outbox (the guard paces it), null when there are none. */
  batchId: string | null;
  invitations: number;
  codes: { userId: string; code: string }[];
};

/**
 * Ways in for many members at once, with COPY: invitations as one bulk batch, codes returned once.
 * `superseding` names those of them who had a way in before (it stops working).
 */
export async function giveWaysIn(
  tx: Executor,
  tenantId: string,
  members: readonly Newcomer[],
  options: { superseding?: readonly string[]; onQueuing?: (invitations: number) => void } = {},
): Promise<WaysIn> {
  const batch = new MailBatch();
  const nextToken = linkTokenPool(members.filter((m) => m.email).length);
  const invitationExpiry = new Date(Date.now() + INVITATION_DAYS * 86_400_000);
  const codeExpiry = new Date(Date.now() + ACTIVATION_CODE_DAYS * 86_400_000);
  const tokens: CopyValue[][] = [];
  const codes: WaysIn["codes"] = [];
  // Worked out in memory first, every invitation validated, before anything is written.
  for (const member of members) {
    const { userId } = member;
    if (member.email) {
      const token = nextToken();
      tokens.push(
        tokenRow({
          tenantId,
          userId,
          kind: "invitation",
          secret: token,
          expiresAt: invitationExpiry,
        }),
      );
      batch.add(invitation(member, token));
    } else {
      const code = newActivationCode();
      tokens.push(
        tokenRow({
          tenantId,
          userId,
          kind: "activation_code",
          secret: code,
          expiresAt: codeExpiry,
        }),
      );
      codes.push({ userId, code: formatCode(code) });
    }
  }
  if (options.superseding?.length) await supersedeWaysIn(tx, tenantId, options.superseding);
  const sql = pgOf(tx);
  await copyTokens(sql, tokens);
  options.onQueuing?.(batch.size);
  await copyBatch(sql, batch);
  return { batchId: batch.size > 0 ? batch.batchId : null, invitations: batch.size, codes };
}
