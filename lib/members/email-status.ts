import { pgOf, type Executor } from "@/db/client";
import type { EmailStatus } from "@/db/schema";

/** What SES said of a member's address: delivered to, bounced for good, or complained. */
export type AddressOutcome = {
  tenantId: string;
  address: string;
  status: Extract<EmailStatus, "ok" | "bounced" | "complained">;
};

/**
 * Sets the e-mail status of the tenant's members at these addresses (compared without regard to
 * case), one entry per address: a delivery confirms an address not judged yet, and never clears a
 * bounce or a complaint.
 */
export async function recordAddressOutcomes(
  tx: Executor,
  outcomes: readonly AddressOutcome[],
): Promise<void> {
  if (outcomes.length === 0) return;
  // postgres.js, prepared: the feedback applier runs this once a batch.
  await pgOf(tx)`
    update users u set email_status = x.status::email_status, updated_at = now()
      from unnest(${outcomes.map((o) => o.tenantId)}::uuid[],
                  ${outcomes.map((o) => o.address.toLowerCase())}::text[],
                  ${outcomes.map((o) => o.status)}::text[]) as x(tenant_id, address, status)
     where u.tenant_id = x.tenant_id and lower(u.email) = x.address
       and (x.status <> 'ok' or u.email_status in ('unchecked', 'ok'))`;
}
