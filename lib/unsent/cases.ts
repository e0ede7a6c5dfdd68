/**
 * The unsent ledger's five cases (DESIGN.md, "The unsent ledger: the five cases"): what a mail that
 * did not get through means for the person, and what to do about it, in words. Pure.
 */
import type { MailStatus } from "@/db/schema/mail";

export const UNSENT_CASES = [
  "invitation_new",
  "invitation_active",
  "message_notice",
  "password_reset",
  "login_code",
] as const;
export type UnsentCase = (typeof UNSENT_CASES)[number];

/** The states a mail is in the ledger for: it did not reach the person, or not yet. */
export const UNSENT_STATUSES = [
  "blocked",
  "held",
  "failed",
  "bounced",
  "complained",
  "expired",
] as const satisfies readonly MailStatus[];

/** The mail categories the ledger is about (announcements and alerts are not a person's own mail). */
export const UNSENT_CATEGORIES = [
  "invitation",
  "message_notice",
  "password_reset",
  "login_code",
] as const;

export const CASE_TEXT: Record<
  UnsentCase,
  { title: string; short: string; meaning: string; remedy: string }
> = {
  invitation_new: {
    title: "Invitations to members who have not started",
    short: "Invitation, not started",
    meaning: "They cannot start: the invitation with their link did not reach them.",
    remedy:
      "Fix the address and resend, resend once sending is healthy, or give them an activation code on paper.",
  },
  invitation_active: {
    title: "Invitations to members who have already started",
    short: "Invitation, already started",
    meaning: "Nothing is missing: their login ID and password still work.",
    remedy: "Nothing needed. It is listed so nobody worries.",
  },
  message_notice: {
    title: "Message notices",
    short: "Message notice",
    meaning: "The message is in their message box; they were not told by mail.",
    remedy: "Notify them again once sending is healthy, or mark them as told another way.",
  },
  password_reset: {
    title: "Password resets",
    short: "Password reset",
    meaning: "They asked to reset their password and the link did not reach them.",
    remedy:
      "They can ask again; or send a new reset link, or set a one-time temporary password to hand them.",
  },
  login_code: {
    title: "Login codes",
    short: "Login code",
    meaning: "They could not sign in: their login code did not reach them.",
    remedy:
      "Tell everyone in the message box that sending is back, or give them a one-time bypass code.",
  },
};

/** Why a ledger row is no longer a problem. */
export const RESOLUTIONS = [
  "on_its_way",
  "handled",
  "activation_code",
  "temporary_password",
  "bypass_code",
  "told_another_way",
  "delivered_later",
  "reset_used",
  "signed_in",
  "read",
] as const;
export type Resolution = (typeof RESOLUTIONS)[number];

export const RESOLUTION_TEXT: Record<Resolution, string> = {
  on_its_way: "A new one is on its way",
  handled: "Handled",
  activation_code: "Given an activation code",
  temporary_password: "Given a temporary password",
  bypass_code: "Given a bypass code",
  told_another_way: "Told another way",
  delivered_later: "A later mail of this kind reached them",
  reset_used: "They reset their password since",
  signed_in: "They signed in since",
  read: "They read the message",
};

const ADDRESS_PROBLEMS = new Set([
  "no_address",
  "invalid_address",
  "domain_not_found",
  "suppressed",
]);

/** What to do about one row, given its case, its newest mail's state and reason, and the member now. */
export function whatToDo(row: {
  unsentCase: UnsentCase;
  status: MailStatus;
  reason: string | null;
  memberStatus: "invited" | "active" | "disabled";
  resolvedBy: Resolution | null;
}): string {
  if (row.resolvedBy) return `Nothing: ${RESOLUTION_TEXT[row.resolvedBy].toLowerCase()}.`;
  if (row.memberStatus === "disabled")
    return "Nothing while the member is disabled; enable them first if they should be reached.";
  const addressProblem =
    row.status === "bounced" ||
    row.status === "complained" ||
    (row.status === "blocked" && ADDRESS_PROBLEMS.has(row.reason ?? ""));
  const waiting = row.status === "held";
  switch (row.unsentCase) {
    case "invitation_active":
      return CASE_TEXT.invitation_active.remedy;
    case "invitation_new":
      if (addressProblem) return "Fix the address and resend, or give them an activation code.";
      if (waiting)
        return "It goes out by itself when sending resumes; or give them an activation code.";
      return "Resend it now that sending is healthy, or give them an activation code.";
    case "message_notice":
      if (addressProblem)
        return "Their address does not work: tell them another way, and fix the address.";
      if (waiting) return "It goes out by itself when sending resumes; or tell them another way.";
      return "Notify them again, or mark them as told another way.";
    case "password_reset":
      if (addressProblem)
        return "Their address does not work: set a one-time temporary password, and fix the address.";
      if (waiting)
        return "It goes out by itself when sending resumes; or set a one-time temporary password.";
      return "Send a new reset link, or set a one-time temporary password.";
    case "login_code":
      if (addressProblem)
        return "Their address does not work: give them a one-time bypass code, and fix the address.";
      if (waiting)
        return "A code that waits past its validity is never sent late: give them a one-time bypass code.";
      return "Give them a one-time bypass code, or tell everyone in the message box that sending is back.";
  }
}

export const MEMBER_STATUS_TEXT = {
  invited: "Not started yet",
  active: "Active",
  disabled: "Disabled",
} as const;
