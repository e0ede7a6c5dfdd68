import "server-only";
import { and, eq, gt, isNull, type SQL } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { memberTokens } from "@/db/schema";
import { hashSecret } from "./secrets";

export type TokenKind = (typeof memberTokens.kind.enumValues)[number];

/**
 * Stores a single-use secret of one kind for a member (only its hash); any unused secret of the
 * same kind stops working, so a resend always supersedes.
 */
export async function issueToken(
  tx: Executor,
  input: { tenantId: string; userId: string; kind: TokenKind; secret: string; ttlMs: number },
): Promise<void> {
  await tx
    .update(memberTokens)
    .set({ usedAt: new Date() })
    .where(
      and(
        eq(memberTokens.userId, input.userId),
        eq(memberTokens.kind, input.kind),
        isNull(memberTokens.usedAt),
      ),
    );
  await tx.insert(memberTokens).values({
    tenantId: input.tenantId,
    userId: input.userId,
    kind: input.kind,
    tokenHash: hashSecret(input.secret),
    expiresAt: new Date(Date.now() + input.ttlMs),
  });
}

/** The condition for a secret that still works: this tenant, this kind, unused, unexpired. */
export function liveToken(tenantId: string, kind: TokenKind, secret: string): SQL {
  return and(
    eq(memberTokens.tokenHash, hashSecret(secret)),
    eq(memberTokens.tenantId, tenantId),
    eq(memberTokens.kind, kind),
    isNull(memberTokens.usedAt),
    gt(memberTokens.expiresAt, new Date()),
  )!;
}

/**
 * Spends a single-use secret: true for the one caller that marks it used, false for anyone who
 * comes second (a double submit, a race).
 */
export async function spendToken(tx: Executor, tokenId: string): Promise<boolean> {
  const [spent] = await tx
    .update(memberTokens)
    .set({ usedAt: new Date() })
    .where(and(eq(memberTokens.id, tokenId), isNull(memberTokens.usedAt)))
    .returning({ id: memberTokens.id });
  return Boolean(spent);
}
