/**
 * Announcements: in-app to everyone in a tenant (every enabled member, admins too), by e-mail only
 * if asked. The ready one says that sending has been restored (the unsent ledger offers it after a
 * pause); operators post one to every tenant at once.
 */
import { eq, ne, and, asc } from "drizzle-orm";
import { db, type Executor } from "@/db/client";
import { auditLog, tenants, users } from "@/db/schema";
import type { Actor } from "@/lib/auth/actor";
import { UserError } from "@/lib/errors";
import { checkContent } from "./content";
import { postInTx, type Posted } from "./post";

export type AnnouncementInput = {
  subject: string;
  body: string;
  /** Also send it by e-mail (bulk mail through the guard); in-app always. */
  email: boolean;
  /** Who posts it: an admin of the tenant or an operator; null for the system. */
  authorId: string | null;
};

const everyone = (tenantId: string) =>
  and(eq(users.tenantId, tenantId), ne(users.status, "disabled"), ne(users.role, "operator"))!;

/**
 * Posts inside a savepoint of `tx`; a tenant without enabled members has nobody to tell, which is
 * not a failure of the announcement: null, and nothing of it is left.
 */
async function announceInTx(
  tx: Executor,
  tenantId: string,
  input: AnnouncementInput,
): Promise<Posted | null> {
  const content = checkContent(input);
  try {
    return await tx.transaction((inner) =>
      postInTx(inner, {
        tenantId,
        authorId: input.authorId,
        kind: "announcement",
        ...content,
        noticeMode: input.email ? "now" : "never",
        where: everyone(tenantId),
      }),
    );
  } catch (error) {
    if (error instanceof UserError && error.message.startsWith("Nobody")) return null;
    throw error;
  }
}

/** An announcement to everyone in one tenant; null when the tenant has no enabled member. */
export async function postAnnouncement(
  tenantId: string,
  input: AnnouncementInput,
): Promise<Posted | null> {
  return db.transaction(async (tx) => {
    const posted = await announceInTx(tx, tenantId, input);
    if (posted) {
      await tx.insert(auditLog).values({
        tenantId,
        actorId: input.authorId,
        action: "announcement.posted",
        subjectId: posted.messageId,
        detail: { subject: input.subject, email: input.email, recipients: posted.recipients },
      });
    }
    return posted;
  });
}

/** The ready text: what happened, and what to do now if something did not arrive. */
export function sendingRestoredText(
  tenantName: string,
  pausedSince?: Date | null,
): { subject: string; body: string } {
  const since = pausedSince
    ? ` since ${pausedSince.toISOString().slice(0, 16).replace("T", " ")} UTC`
    : "";
  return {
    subject: "Sending has been restored",
    body: [
      `E-mail from ${tenantName} was held back${since} and is going out again now.`,
      "If you were waiting for a login code or a password reset link, ask for a new one now: codes and links that could not be sent in time were not sent late.",
      "If you were waiting for an invitation, it is on its way, or your administrator will send a new one.",
      "Messages were never affected: they have always been here, in your message box.",
    ].join("\n\n"),
  };
}

/**
 * The "sending has been restored" announcement for one tenant: in-app to everyone, by e-mail too
 * when `email` (the unsent ledger's remedy for login codes that could not be sent).
 */
export async function announceSendingRestored(
  tenantId: string,
  options: { actorId: string | null; email?: boolean; pausedSince?: Date | null },
): Promise<Posted | null> {
  const [tenant] = await db
    .select({ name: tenants.name, settings: tenants.settings })
    .from(tenants)
    .where(eq(tenants.id, tenantId));
  if (!tenant) throw new UserError("not_found", "This organisation does not exist.");
  const text = sendingRestoredText(tenant.settings.displayName || tenant.name, options.pausedSince);
  return postAnnouncement(tenantId, {
    ...text,
    email: options.email ?? false,
    authorId: options.actorId,
  });
}

/** An operator's announcement to every tenant at once, in one transaction. */
export async function announceToEveryTenant(
  operator: Actor,
  input: Omit<AnnouncementInput, "authorId">,
): Promise<{ tenants: number; recipients: number }> {
  if (operator.role !== "operator") {
    throw new UserError("forbidden", "Only operators announce to every organisation.");
  }
  checkContent(input);
  return db.transaction(async (tx) => {
    const all = await tx.select({ id: tenants.id }).from(tenants).orderBy(asc(tenants.slug));
    let reached = 0;
    let recipients = 0;
    for (const tenant of all) {
      const posted = await announceInTx(tx, tenant.id, { ...input, authorId: operator.userId });
      if (!posted) continue;
      reached += 1;
      recipients += posted.recipients;
    }
    await tx.insert(auditLog).values({
      tenantId: null,
      actorId: operator.userId,
      action: "announcement.posted_to_all",
      detail: { subject: input.subject, email: input.email, tenants: reached, recipients },
    });
    return { tenants: reached, recipients };
  });
}
