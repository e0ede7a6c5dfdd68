import { and, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { db } from "@/db/client";
import { auditLog, users, type EmailStatus } from "@/db/schema";
import type { TenantActor } from "@/lib/auth/actor";
import { memberLoginIdSchema, normaliseLoginId } from "@/lib/auth/login-id";
import { UserError } from "@/lib/errors";
import { checkAddressSyntax } from "@/lib/address";
import { checkMemberAddress, refusalOf } from "./address-check";
import { invitationSentence } from "./resend";
import { giveWayIn } from "./way-in";
import { cancelPending } from "@/lib/mail/outbox";

export const memberFormSchema = z.object({
  loginId: memberLoginIdSchema,
  name: z.string().trim().max(100, "A name has at most 100 characters."),
  email: z
    .string()
    .trim()
    .max(254, "An address has at most 254 characters.")
    .optional()
    .transform((v) => v || null),
  /** The admin's "this address exists" tick: overrides the typo and domain checks, and is audited. */
  addressExists: z.literal("on").optional(),
});

export type MemberInput = z.infer<typeof memberFormSchema>;

export type CreatedMember = {
  id: string;
  loginId: string;
  /** The address the invitation was queued to, if any. */
  invitedAddress: string | null;
  /** Shown once, to be handed over on paper: members without an address start with it. */
  activationCode: string | null;
  /** What will happen to the invitation, in a sentence ("on its way" only when it is). */
  invitation: string | null;
  /**
   * What the import would warn of, kept on purpose: a throwaway or shared address (and a typo
   * the admin said is right), in the import's words. Empty when nothing is wrong.
   */
  addressWarnings: string[];
};

/**
 * Checks an address the way a careful admin would, before anything is stored: a malformed or
 * suppressed address is refused; a likely typo or a domain our DNS cannot find is refused unless the
 * admin ticked "This address exists". Disposable and shared addresses pass, with the import's
 * warnings to show.
 */
async function checkedAddress(
  tenantId: string,
  raw: string,
  insisted: boolean,
): Promise<{ address: string; warnings: string[] }> {
  const { address, problems } = await checkMemberAddress(tenantId, raw);
  const refusal = refusalOf(problems, insisted);
  if (refusal) {
    const message = refusal.overridable
      ? `${refusal.message} Or tick "This address exists" if you are sure it is right.`
      : refusal.message;
    throw new UserError("invalid", message, "email", refusal.suggestion);
  }
  return {
    address: address!,
    warnings: problems.filter((p) => p.severity === "warning").map((p) => p.message),
  };
}

/**
 * Adds a member: the address (optional) is checked first; with an address an invitation is queued
 * in the same transaction, without one an activation code is made and returned once.
 */
export async function createMember(
  { actor, tenant }: TenantActor,
  input: MemberInput,
): Promise<CreatedMember> {
  const insisted = input.addressExists === "on";
  const checked = input.email ? await checkedAddress(tenant.id, input.email, insisted) : null;
  const email = checked?.address ?? null;
  let created: Omit<CreatedMember, "invitation" | "addressWarnings">;
  try {
    created = await db.transaction(async (tx) => {
      const [taken] = await tx
        .select({ id: users.id })
        .from(users)
        .where(
          and(
            eq(users.tenantId, tenant.id),
            eq(sql`lower(${users.loginId})`, normaliseLoginId(input.loginId)),
          ),
        )
        .limit(1);
      if (taken)
        throw new UserError(
          "conflict",
          "That login ID is already taken in your organisation. Choose another.",
          "loginId",
        );
      const [member] = await tx
        .insert(users)
        .values({
          tenantId: tenant.id,
          role: "learner",
          loginId: input.loginId,
          name: input.name,
          email,
          emailStatus: email ? "unchecked" : "none",
          confirmedAddress: insisted ? email : null,
          status: "invited",
        })
        .returning({ id: users.id });
      const userId = member!.id;
      const wayIn = await giveWayIn(tx, {
        tenantId: tenant.id,
        userId,
        loginId: input.loginId,
        name: input.name,
        email,
      });
      await tx.insert(auditLog).values({
        tenantId: tenant.id,
        actorId: actor.userId,
        action: "member.created",
        subjectId: userId,
        detail: {
          loginId: input.loginId,
          withAddress: email !== null,
          addressInsisted: insisted && email !== null,
        },
      });
      return {
        id: userId,
        loginId: input.loginId,
        invitedAddress: email,
        activationCode: wayIn.kind === "code" ? wayIn.code : null,
      };
    });
  } catch (error) {
    // Two admins adding the same login ID at once: the unique index decides, the message is the same.
    if (
      (error as { cause?: { constraint_name?: string } }).cause?.constraint_name ===
      "users_tenant_login_id_key"
    ) {
      throw new UserError(
        "conflict",
        "That login ID is already taken in your organisation. Choose another.",
        "loginId",
      );
    }
    throw error;
  }
  return {
    ...created,
    invitation: email ? await invitationSentence(tenant.id, email, "An invitation") : null,
    addressWarnings: checked?.warnings ?? [],
  };
}

export type MemberDetail = {
  id: string;
  loginId: string;
  name: string;
  email: string | null;
  emailStatus: EmailStatus;
  status: "invited" | "active" | "disabled";
  role: "admin" | "learner";
  lastLoginAt: string | null;
  createdAt: string;
};

/** The columns an admin's view of one member reads. */
export const memberFields = {
  id: users.id,
  loginId: users.loginId,
  name: users.name,
  email: users.email,
  emailStatus: users.emailStatus,
  status: users.status,
  role: users.role,
};

/** One member of the admin's tenant, or null: someone else's id looks exactly like a missing one. */
export async function findMember(tenantId: string, id: string): Promise<MemberDetail | null> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
  const [row] = await db
    .select({ ...memberFields, lastLoginAt: users.lastLoginAt, createdAt: users.createdAt })
    .from(users)
    .where(and(eq(users.id, id), eq(users.tenantId, tenantId)));
  if (!row || row.role === "operator") return null;
  return {
    ...row,
    role: row.role,
    lastLoginAt: row.lastLoginAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}

export const memberEditSchema = z.object({
  id: z.uuid(),
  name: memberFormSchema.shape.name,
  email: memberFormSchema.shape.email,
  addressExists: memberFormSchema.shape.addressExists,
});

/**
 * Changes a member's name and address. A new address is checked like a new member's; for a member
 * who has not started, a changed address gets a fresh invitation (the old link stops working).
 */
export async function updateMember(
  { actor, tenant }: TenantActor,
  input: z.infer<typeof memberEditSchema>,
): Promise<{ invitedAddress: string | null; invitation: string | null }> {
  const current = await findMember(tenant.id, input.id);
  if (!current) throw new UserError("not_found", "This member no longer exists.");
  const changedAddress = (input.email ?? null) !== (current.email ?? null);
  const email =
    input.email && changedAddress
      ? (await checkedAddress(tenant.id, input.email, input.addressExists === "on")).address
      : (input.email ?? null);
  const { invitedAddress } = await db.transaction(async (tx) => {
    await tx
      .update(users)
      .set({
        name: input.name,
        email,
        ...(changedAddress
          ? { emailStatus: email ? ("unchecked" as const) : ("none" as const) }
          : {}),
        // Ticked for the address saved, kept while it stays, and no longer true for a new one.
        ...(email && input.addressExists === "on" ? { confirmedAddress: email } : {}),
        updatedAt: new Date(),
      })
      .where(and(eq(users.id, current.id), eq(users.tenantId, tenant.id)));
    let invitedAddress: string | null = null;
    if (changedAddress && email && current.status === "invited") {
      await giveWayIn(tx, {
        tenantId: tenant.id,
        userId: current.id,
        loginId: current.loginId,
        name: input.name,
        email,
      });
      invitedAddress = email;
    }
    await tx.insert(auditLog).values({
      tenantId: tenant.id,
      actorId: actor.userId,
      action: "member.updated",
      subjectId: current.id,
      detail: {
        addressChanged: changedAddress,
        addressInsisted: changedAddress && input.addressExists === "on",
      },
    });
    return { invitedAddress };
  });
  return {
    invitedAddress,
    invitation: invitedAddress ? await invitationSentence(tenant.id, invitedAddress) : null,
  };
}

/**
 * Takes an address off a member (it bounced, or it is not theirs): mail still waiting for it is
 * cancelled, and a member who has not started gets an activation code instead, shown once.
 */
export async function removeMemberAddress(
  { actor, tenant }: TenantActor,
  id: string,
): Promise<{ loginId: string; code: string | null; removed: string }> {
  const member = await findMember(tenant.id, id);
  if (!member) throw new UserError("not_found", "This member no longer exists.");
  if (!member.email) throw new UserError("conflict", "This member has no address any more.");
  return db.transaction(async (tx) => {
    await tx
      .update(users)
      .set({ email: null, emailStatus: "none", updatedAt: new Date() })
      .where(and(eq(users.id, member.id), eq(users.tenantId, tenant.id)));
    await cancelPending(tx, { tenantId: tenant.id, memberIds: [member.id] }, "address_removed");
    const wayIn =
      member.status === "invited"
        ? await giveWayIn(tx, {
            tenantId: tenant.id,
            userId: member.id,
            loginId: member.loginId,
            name: member.name,
            email: null,
          })
        : null;
    await tx.insert(auditLog).values({
      tenantId: tenant.id,
      actorId: actor.userId,
      action: "member.address_removed",
      subjectId: member.id,
      detail: { address: member.email, codeIssued: wayIn !== null },
    });
    return {
      loginId: member.loginId,
      code: wayIn?.kind === "code" ? wayIn.code : null,
      removed: member.email!,
    };
  });
}

/**
 * The one-click fix for a stored address that looks like a typo: the suggestion is worked out here
 * from what is stored (never taken from the request), then saved like an edit (checked, and a member
 * who has not started gets a new invitation).
 */
export async function applyAddressSuggestion(
  ctx: TenantActor,
  id: string,
): Promise<{ address: string; invitation: string | null }> {
  const member = await findMember(ctx.tenant.id, id);
  if (!member) throw new UserError("not_found", "This member no longer exists.");
  const suggestion = member.email ? checkAddressSyntax(member.email).suggestion : null;
  if (!suggestion) {
    throw new UserError("conflict", "This member's address has no suggested correction any more.");
  }
  const { invitation } = await updateMember(ctx, {
    id: member.id,
    name: member.name,
    email: suggestion,
    addressExists: undefined,
  });
  return { address: suggestion, invitation };
}

/**
 * An activation code for one member who has not started, whether or not they have an address (the
 * invitation bounced, is held, or never arrives): shown once, to hand over. Their invitation link
 * stops working and an invitation not yet sent is cancelled; the address stays.
 */
export async function issueActivationCode(
  { actor, tenant }: TenantActor,
  id: string,
): Promise<{ loginId: string; name: string; code: string }> {
  const member = await findMember(tenant.id, id);
  if (!member) throw new UserError("not_found", "This member no longer exists.");
  if (member.status !== "invited") {
    throw new UserError(
      "conflict",
      member.status === "active"
        ? "This member has already started: their login ID and password work. Send a reset link or set a temporary password instead (Sign-in help)."
        : "This member is disabled. Enable them first.",
    );
  }
  return db.transaction(async (tx) => {
    const wayIn = await giveWayIn(tx, {
      tenantId: tenant.id,
      userId: member.id,
      loginId: member.loginId,
      name: member.name,
      email: null,
    });
    await tx.insert(auditLog).values({
      tenantId: tenant.id,
      actorId: actor.userId,
      action: "member.activation_code_issued",
      subjectId: member.id,
      detail: { hadAddress: member.email !== null },
    });
    return {
      loginId: member.loginId,
      name: member.name,
      code: wayIn.kind === "code" ? wayIn.code : "",
    };
  });
}
