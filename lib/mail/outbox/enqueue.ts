import { randomUUID } from "node:crypto";
import { getTableName, sql, type SQL } from "drizzle-orm";
import type postgres from "postgres";
import type { Executor } from "@/db/client";
import { copyInto, type CopyValue } from "@/db/copy";
import { outboundEmails, type MailCategory, type NewOutboundEmail } from "@/db/schema";
import { normaliseAddress } from "@/lib/address/normalise";
import { laneOf, validateParams, type TemplateParams } from "../templates";

export type MailToQueue = {
  /** Null only for alerts to operators, who belong to no tenant. */
  tenantId: string | null;
  memberId?: string | null;
  category: MailCategory;
  /** Raw as stored on the member; null when they have none (the guard blocks it as `no_address`). */
  to: string | null;
  params: unknown;
  batchId?: string;
};

type QueuedRow = Required<
  Pick<
    NewOutboundEmail,
    "tenantId" | "memberId" | "category" | "lane" | "toAddress" | "template" | "params" | "batchId"
  >
>;

/** The outbox row for a mail, parameters validated: bad ones throw and roll the caller back. */
function outboxRow(mail: MailToQueue): QueuedRow {
  const params = validateParams(mail.category, mail.params) as Record<string, unknown>;
  // An unusable address is kept as given, so the guard can block it with its reason.
  const to = mail.to?.trim() ? (normaliseAddress(mail.to) ?? mail.to.trim()) : null;
  return {
    tenantId: mail.tenantId,
    memberId: mail.memberId ?? null,
    category: mail.category,
    lane: laneOf(mail.category),
    toAddress: to,
    template: mail.category,
    params,
    batchId: mail.batchId ?? null,
  };
}

/**
 * Queues one mail inside the caller's transaction, so the mail exists exactly when the change that
 * caused it does.
 */
export async function enqueue(tx: Executor, mail: MailToQueue): Promise<{ id: number }> {
  const [inserted] = await tx
    .insert(outboundEmails)
    .values(outboxRow(mail))
    .returning({ id: outboundEmails.id });
  return inserted!;
}

/** Queues many mails as one batch (the guard paces a batch like any bulk mail), in chunks. */
export async function enqueueBatch(
  tx: Executor,
  mails: readonly Omit<MailToQueue, "batchId">[],
  batchId: string = randomUUID(),
): Promise<{ batchId: string; count: number }> {
  const rows = mails.map((m) => outboxRow({ ...m, batchId }));
  for (let i = 0; i < rows.length; i += 2_000) {
    await tx.insert(outboundEmails).values(rows.slice(i, i + 2_000));
  }
  return { batchId, count: rows.length };
}

// The COPY columns, named by the schema: a renamed column fails the type check, not a commit.
const COPY_FIELDS = [
  "tenantId",
  "memberId",
  "category",
  "lane",
  "toAddress",
  "template",
  "params",
  "batchId",
] as const satisfies readonly (keyof QueuedRow)[];
const COPY_COLUMNS = COPY_FIELDS.map((field) => outboundEmails[field].name);

/**
 * Mails to queue together with COPY (a bulk registration's invitations): each is validated as it is
 * added, so a bad one throws before anything is written.
 */
export class MailBatch {
  readonly rows: CopyValue[][] = [];
  constructor(readonly batchId: string = randomUUID()) {}

  add(mail: Omit<MailToQueue, "batchId">): void {
    const row = outboxRow({ ...mail, batchId: this.batchId });
    this.rows.push(COPY_FIELDS.map((field) => row[field]));
  }

  get size(): number {
    return this.rows.length;
  }
}

/** Queues a batch with COPY, on the caller's connection or transaction. */
export async function copyBatch(
  sql: postgres.Sql | postgres.TransactionSql,
  batch: MailBatch,
): Promise<number> {
  if (batch.size === 0) return 0;
  await copyInto(sql, getTableName(outboundEmails), COPY_COLUMNS, batch.rows);
  return batch.size;
}

/**
 * The outbox's next id, for a caller that records which mail it queues before the mail row exists
 * (a message's recipients name their notice): `enqueueSelected` takes the ids so drawn.
 */
export const nextMailId: SQL = sql`nextval('outbound_emails_id_seq')`;

/** Categories whose parameters are the same for every member but for the member's name, if any. */
type PerMemberName = "message_notice" | "announcement";

/**
 * Queues one mail per row of `source` in one INSERT … SELECT: a message's notices to 50,000 members
 * go in with one statement, in the caller's transaction. The parameters shared by every mail are
 * validated here (a bad one throws before anything is written); each member's name is cut to the
 * template's limit. `source` yields `id` (from `nextMailId`, or null for a new one), `member_id`,
 * `to_address` (as stored on the member: normalised, or null) and `member_name`.
 */
export async function enqueueSelected<C extends PerMemberName>(
  tx: Executor,
  spec: {
    tenantId: string;
    category: C;
    params: Omit<TemplateParams[C], "memberName" & keyof TemplateParams[C]>;
    batchId?: string;
    /** Not before this time (a notice only if still unread after a delay). */
    notBefore?: Date;
  },
  source: SQL,
): Promise<number> {
  const named = spec.category === "message_notice";
  const common = validateParams(spec.category, {
    ...spec.params,
    ...(named ? { memberName: "" } : {}),
  }) as Record<string, unknown>;
  delete common.memberName;
  const params = named
    ? sql`${JSON.stringify(common)}::jsonb || jsonb_build_object('memberName', left(coalesce(s.member_name, ''), 200))`
    : sql`${JSON.stringify(common)}::jsonb`;
  const result = await tx.execute(sql`
    insert into outbound_emails
      (id, tenant_id, member_id, category, lane, to_address, template, params, batch_id, next_attempt_at)
    overriding system value
    select coalesce(s.id, ${nextMailId}), ${spec.tenantId}::uuid, s.member_id,
           ${spec.category}::mail_category, ${laneOf(spec.category)}::mail_lane,
           nullif(btrim(s.to_address), ''), ${spec.category},
           ${params},
           ${spec.batchId ?? randomUUID()}::uuid, ${(spec.notBefore ?? new Date()).toISOString()}::timestamptz
      from (${source}) s`);
  return (result as unknown as { count: number }).count;
}
