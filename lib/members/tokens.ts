/** The one owner of `member_tokens`: single-use secrets a member starts or recovers with. */
import { and, eq, getTableName, gt, isNull, type SQL } from "drizzle-orm";
import type postgres from "postgres";
import type { Executor } from "@/db/client";
import { copyInto, type CopyValue } from "@/db/copy";
import { inList } from "@/db/in-list";
import { memberTokens, type MemberToken } from "@/db/schema";
import { hashSecret } from "./secrets";

export type TokenKind = MemberToken["kind"];

/** The ways in of a member who has not started: either one supersedes the other. */
export const WAY_IN_KINDS = [
  "invitation",
  "activation_code",
] as const satisfies readonly TokenKind[];

export type NewToken = {
  tenantId: string;
  userId: string;
  kind: TokenKind;
  secret: string;
  expiresAt: Date;
};

/** Marks the members' unused secrets of these kinds used: they stop working. */
export async function voidTokens(
  tx: Executor,
  target: { tenantId: string; userIds: readonly string[]; kinds: readonly TokenKind[] },
): Promise<void> {
  if (target.userIds.length === 0) return;
  await tx
    .update(memberTokens)
    .set({ usedAt: new Date() })
    .where(
      and(
        eq(memberTokens.tenantId, target.tenantId),
        inList(memberTokens.userId, target.userIds, "uuid"),
        inList(memberTokens.kind, target.kinds, "member_token_kind"),
        isNull(memberTokens.usedAt),
      ),
    );
}

/**
 * Stores a single-use secret for a member (only its hash); their unused secrets of the kinds it
 * supersedes (its own kind unless told) stop working, so a resend always supersedes.
 */
export async function issueToken(
  tx: Executor,
  input: Omit<NewToken, "expiresAt"> & { ttlMs: number; supersedes?: readonly TokenKind[] },
): Promise<void> {
  await voidTokens(tx, {
    tenantId: input.tenantId,
    userIds: [input.userId],
    kinds: input.supersedes ?? [input.kind],
  });
  await tx.insert(memberTokens).values({
    tenantId: input.tenantId,
    userId: input.userId,
    kind: input.kind,
    tokenHash: hashSecret(input.secret),
    expiresAt: new Date(Date.now() + input.ttlMs),
  });
}

const COPY_FIELDS = ["tenantId", "userId", "kind", "tokenHash", "expiresAt"] as const;
const COPY_COLUMNS = COPY_FIELDS.map((field) => memberTokens[field].name);

/** A new secret as a row for `copyTokens`: only its hash is kept. */
export function tokenRow(token: NewToken): CopyValue[] {
  return [token.tenantId, token.userId, token.kind, hashSecret(token.secret), token.expiresAt];
}

/** Stores many new secrets (rows from `tokenRow`) with COPY, on the caller's transaction. */
export async function copyTokens(
  sql: postgres.Sql | postgres.TransactionSql,
  rows: readonly CopyValue[][],
): Promise<void> {
  if (rows.length === 0) return;
  await copyInto(sql, getTableName(memberTokens), COPY_COLUMNS, rows);
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
