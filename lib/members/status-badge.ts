/**
 * A member's state in the words an admin uses, with a badge tone and what it means (the legend).
 * Client-safe: no database in here.
 */
import type { MailBadgeTone } from "./mail-badge";

export type MemberStatus = "invited" | "active" | "disabled";

export const MEMBER_STATUS: Record<
  MemberStatus,
  { label: string; tone: MailBadgeTone; title: string }
> = {
  invited: {
    label: "Not started",
    tone: "info",
    title: "Invited or given a code, but has not chosen a password yet.",
  },
  active: { label: "Active", tone: "ok", title: "Has chosen a password and can sign in." },
  disabled: {
    label: "Disabled",
    tone: "muted",
    title: "Cannot sign in until an administrator enables them again.",
  },
};

export const ROLE_LABEL = { admin: "Administrator", learner: "Learner" } as const;
