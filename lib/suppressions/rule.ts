/**
 * Which suppressions apply to a mail, as a pure rule the guard can run in memory: an address is
 * suppressed for a tenant when the account's list or that tenant's list holds it, compared without
 * regard to case (SES reports recipients as they were written; mailboxes do not care).
 */
export const accountKey = (address: string) => `* ${address.toLowerCase()}`;
export const tenantKey = (tenantId: string, address: string) =>
  `${tenantId} ${address.toLowerCase()}`;

/** Whether `keys` (from `suppressionKeys`) suppresses mail to `address` for `tenantId`. */
export function isSuppressedFor(
  keys: ReadonlySet<string>,
  tenantId: string,
  address: string,
): boolean {
  return keys.has(accountKey(address)) || keys.has(tenantKey(tenantId, address));
}
