/** What each audit action means, in words (the pages never show the enum names). */
export const ACTION_LABELS: Record<string, string> = {
  "announcement.posted": "Posted an announcement",
  "announcement.posted_to_all": "Posted an announcement to every tenant",
  "login.bypass_issued": "Issued a login bypass code",
  "login.bypass_used": "Signed in with a bypass code",
  "login_codes.on": "Turned login codes on",
  "login_codes.off": "Turned login codes off",
  "login_codes.admins_required": "Required login codes for admins",
  "login_codes.admins_not_required": "Stopped requiring login codes for admins",
  "mail.paused": "Paused the tenant's mail",
  "mail.resumed": "Resumed the tenant's mail",
  "mail.bulk_stopped": "Stopped all bulk mail",
  "mail.bulk_resumed": "Resumed bulk mail",
  "mail.test_sent": "Sent a test mail",
  "member.created": "Added a member",
  "member.updated": "Changed a member",
  "member.deleted": "Deleted a member",
  "member.disabled": "Disabled a member",
  "member.enabled": "Enabled a member",
  "member.activated": "Member activated their account",
  "member.activation_code_issued": "Issued an activation code",
  "member.address_removed": "Removed a member's address",
  "member.password_changed": "Member changed their password",
  "member.password_reset": "Member reset their password",
  "member.reset_sent": "Sent a password reset",
  "member.temporary_password": "Set a temporary password",
  "members.imported": "Imported members",
  "message.posted": "Sent a message",
  "message.renotified": "Sent a message's notices again",
  "members.codes_reissued": "Issued new activation codes for an import",
  "suppression.added": "Suppressed an address",
  "suppression.lifted": "Lifted a suppression",
  "unsent.activation_code": "Unsent mail: gave an activation code instead",
  "unsent.address_fixed": "Unsent mail: fixed the address",
  "unsent.admins_noticed": "Unsent mail: told the tenants' admins",
  "unsent.bypass_code": "Unsent mail: gave a bypass code instead",
  "unsent.invitation_resent": "Unsent mail: sent the invitation again",
  "unsent.renotified": "Unsent mail: sent the notices again",
  "unsent.reset_sent": "Unsent mail: sent a password reset",
  "unsent.temporary_password": "Unsent mail: set a temporary password",
};

export const AUDIT_PERIODS = {
  "24h": { label: "Last 24 hours", hours: 24 },
  "7d": { label: "Last 7 days", hours: 24 * 7 },
  "30d": { label: "Last 30 days", hours: 24 * 30 },
  "365d": { label: "Last 12 months", hours: 24 * 365 },
  all: { label: "All time", hours: null },
} as const satisfies Record<string, { label: string; hours: number | null }>;

export type AuditPeriod = keyof typeof AUDIT_PERIODS;

export function auditPeriod(value: string | undefined): AuditPeriod {
  return value && value in AUDIT_PERIODS ? (value as AuditPeriod) : "30d";
}
