import "server-only";
import { and, eq, inArray, sql } from "drizzle-orm";
import { z } from "zod";
import { db, type Executor } from "@/db/client";
import { auditLog, outboundEmails, suppressions, users } from "@/db/schema";
import { checkAddressSyntax, type SyntaxProblem } from "@/lib/address";
import { defaultDomainChecker } from "@/lib/address/domain-verdict";
import { domainOf } from "@/lib/address/normalise";
import type { TenantActor } from "@/lib/auth/actor";
import { loginIdSchema, normaliseLoginId } from "@/lib/auth/login-id";
import { UserError } from "@/lib/errors";
import { enqueue } from "@/lib/mail/outbox";
import { formatCode, newActivationCode, newLinkToken } from "./secrets";
import { issueToken } from "./tokens";

export const INVITATION_DAYS = 7;
export const ACTIVATION_CODE_DAYS = 30;

export const memberFormSchema = z.object({
  loginId: loginIdSchema,
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
};

const SYNTAX_MESSAGE: Record<SyntaxProblem, string> = {
  empty: "Enter an address, or leave the field empty.",
  too_long: "That address is too long to be real. Check it.",
  control_character: "The address contains invisible characters. Type it again.",
  whitespace: "An address has no spaces. Remove them.",
  no_at: "An address has an @ between name and domain, like taro@example.com.",
  quoted_local_part: "Addresses with quotes are not supported. Use a plain address.",
  comment: "Addresses with brackets are not supported. Use a plain address.",
  bad_local_part: "The part before the @ is not valid. Check it for dots and odd characters.",
  bad_domain: "The part after the @ is not a valid domain. Check it.",
};

/** Checks an address the way a careful admin would, before anything is stored. */
async function checkedAddress(tenantId: string, raw: string, insisted: boolean): Promise<string> {
  const check = checkAddressSyntax(raw);
  if (!check.address || check.problem) {
    throw new UserError("invalid", SYNTAX_MESSAGE[check.problem ?? "bad_domain"], "email");
  }
  if (check.suggestion && !insisted) {
    throw new UserError(
      "invalid",
      `Did you mean ${check.suggestion}? Use the suggestion, or tick "This address exists" if it is right.`,
      "email",
      check.suggestion,
    );
  }
  const verdict = await defaultDomainChecker().verdict(domainOf(check.address));
  if (verdict.status === "not_found" && !insisted) {
    throw new UserError(
      "invalid",
      `The domain ${domainOf(check.address)} does not exist, so mail to it would bounce. Correct the address, or tick "This address exists" if you are sure.`,
      "email",
    );
  }
  const [suppressed] = await db
    .select({ reason: suppressions.reason })
    .from(suppressions)
    .where(
      and(
        eq(suppressions.address, check.address),
        sql`(${suppressions.scope} = 'account' or ${suppressions.tenantId} = ${tenantId})`,
      ),
    )
    .limit(1);
  if (suppressed) {
    throw new UserError(
      "invalid",
      `Mail to this address ${suppressed.reason === "complaint" ? "was marked as spam" : "bounced"} before, so it will not be sent. Use another address, or leave it empty to get an activation code.`,
      "email",
    );
  }
  return check.address;
}

/**
 * A fresh invitation link for the member; any older one stops working, and an older invitation
 * still waiting in the outbox (perhaps to an address since corrected) is cancelled.
 */
export async function issueInvitation(
  tx: Executor,
  member: { tenantId: string; userId: string; loginId: string; name: string; email: string },
): Promise<void> {
  await tx
    .update(outboundEmails)
    .set({ status: "cancelled", reason: "superseded", updatedAt: new Date() })
    .where(
      and(
        eq(outboundEmails.tenantId, member.tenantId),
        eq(outboundEmails.memberId, member.userId),
        eq(outboundEmails.category, "invitation"),
        inArray(outboundEmails.status, ["queued", "held"]),
      ),
    );
  const token = newLinkToken();
  await issueToken(tx, {
    tenantId: member.tenantId,
    userId: member.userId,
    kind: "invitation",
    secret: token,
    ttlMs: INVITATION_DAYS * 86_400_000,
  });
  await enqueue(tx, {
    tenantId: member.tenantId,
    memberId: member.userId,
    category: "invitation",
    to: member.email,
    params: { memberName: member.name, loginId: member.loginId, token },
  });
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
  const email = input.email ? await checkedAddress(tenant.id, input.email, insisted) : null;
  try {
    return await db.transaction(async (tx) => {
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
          status: "invited",
        })
        .returning({ id: users.id });
      const userId = member!.id;
      let activationCode: string | null = null;
      if (email) {
        await issueInvitation(tx, {
          tenantId: tenant.id,
          userId,
          loginId: input.loginId,
          name: input.name,
          email,
        });
      } else {
        activationCode = newActivationCode();
        await issueToken(tx, {
          tenantId: tenant.id,
          userId,
          kind: "activation_code",
          secret: activationCode,
          ttlMs: ACTIVATION_CODE_DAYS * 86_400_000,
        });
      }
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
        activationCode: activationCode ? formatCode(activationCode) : null,
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
}

export type MemberDetail = {
  id: string;
  loginId: string;
  name: string;
  email: string | null;
  emailStatus: string;
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
): Promise<{ invitedAddress: string | null }> {
  const current = await findMember(tenant.id, input.id);
  if (!current) throw new UserError("not_found", "This member no longer exists.");
  const changedAddress = (input.email ?? null) !== (current.email ?? null);
  const email =
    input.email && changedAddress
      ? await checkedAddress(tenant.id, input.email, input.addressExists === "on")
      : (input.email ?? null);
  return db.transaction(async (tx) => {
    await tx
      .update(users)
      .set({
        name: input.name,
        email,
        ...(changedAddress
          ? { emailStatus: email ? ("unchecked" as const) : ("none" as const) }
          : {}),
        updatedAt: new Date(),
      })
      .where(and(eq(users.id, current.id), eq(users.tenantId, tenant.id)));
    let invitedAddress: string | null = null;
    if (changedAddress && email && current.status === "invited") {
      await issueInvitation(tx, {
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
}
