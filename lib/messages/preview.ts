import { and, asc, sql } from "drizzle-orm";
import { db } from "@/db/client";
import { users, type EmailStatus } from "@/db/schema";
import type { TenantActor } from "@/lib/auth/actor";
import { suppressedAmong } from "@/lib/suppressions";
import type { Audience } from "./audience";
import { audienceWhere, checkSelection } from "./post";

export type Unreachable = {
  id: string;
  loginId: string;
  name: string;
  why: "no_address" | "suppressed" | "bounced" | "invalid";
};

export const UNREACHABLE_WORD: Record<Unreachable["why"], string> = {
  no_address: "No e-mail address",
  suppressed: "Address suppressed",
  bounced: "Address bounced",
  invalid: "Address not valid",
};

export type AudiencePreview = {
  total: number;
  /** How many of them a notice can reach by e-mail. */
  reachable: number;
  /** Who cannot be told by e-mail, so the admin can tell them another way (the first 500). */
  unreachable: Unreachable[];
  unreachableCount: number;
};

const WHY: Partial<Record<EmailStatus, Unreachable["why"]>> = {
  none: "no_address",
  bounced: "bounced",
  complained: "suppressed",
  suppressed: "suppressed",
  invalid: "invalid",
};

const SHOWN = 500;

/** Who the audience reaches, and who of them cannot be told by e-mail, and why. */
export async function previewAudience(
  ctx: TenantActor,
  audience: Audience,
): Promise<AudiencePreview> {
  await checkSelection(db, ctx.tenant.id, audience);
  const rows = await db
    .select({
      id: users.id,
      loginId: users.loginId,
      name: users.name,
      email: users.email,
      emailStatus: users.emailStatus,
    })
    .from(users)
    .where(and(audienceWhere(ctx.tenant.id, audience, ctx.actor.userId)))
    .orderBy(asc(sql`lower(${users.loginId})`));
  const suppressed = await suppressedAmong(
    db,
    ctx.tenant.id,
    rows.flatMap((r) => (r.email ? [r.email] : [])),
  );
  const unreachable: Unreachable[] = [];
  for (const r of rows) {
    const why: Unreachable["why"] | undefined = !r.email
      ? "no_address"
      : suppressed.has(r.email.toLowerCase())
        ? "suppressed"
        : WHY[r.emailStatus];
    if (why) unreachable.push({ id: r.id, loginId: r.loginId, name: r.name, why });
  }
  return {
    total: rows.length,
    reachable: rows.length - unreachable.length,
    unreachable: unreachable.slice(0, SHOWN),
    unreachableCount: unreachable.length,
  };
}
