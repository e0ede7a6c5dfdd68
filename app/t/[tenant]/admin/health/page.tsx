import type { Metadata } from "next";
import { ConfirmAction } from "@/components/confirm-action";
import { StateSummary, TenantHealth } from "@/components/health/tenant-health";
import { tenantHealthView } from "@/lib/health/views";
import { UNSENT_STATUSES } from "@/lib/unsent/cases";
import { requireAdmin } from "@/lib/web/guards";
import { AdminShell } from "../admin-shell";
import { removeBouncedAddress, resumeSending } from "./actions";

export const metadata: Metadata = { title: "Send health" };

export default async function HealthPage({ params }: { params: Promise<{ tenant: string }> }) {
  const { actor, tenant } = await requireAdmin((await params).tenant);
  const base = `/t/${tenant.slug}/admin`;
  const view = await tenantHealthView(tenant.id);
  const unfixed = view.bounced.filter(
    (b) => b.memberId && (b.currentEmail ?? "").toLowerCase() === b.address.toLowerCase(),
  ).length;
  return (
    <AdminShell ctx={{ actor, tenant }} current={`${base}/health`}>
      <h1 className="text-2xl font-semibold">Send health</h1>
      <p className="mt-1 max-w-prose text-slate-600">
        How your mail is doing, what it does to the platform&apos;s sending, and what is waiting.
      </p>
      <div className="mt-6">
        <StateSummary state={view.state}>
          {/* Always mounted: after a resume the page refreshes and the button goes, the answer stays. */}
          <ConfirmAction
            available={view.state.canResume}
            action={resumeSending.bind(null, tenant.slug)}
            label="Resume sending"
            title="Resume bulk mail?"
            description={
              <p>
                Sending restarts carefully: a few mails at a time, and it pauses again at once if
                they bounce.{" "}
                {unfixed > 0
                  ? `${unfixed} address${unfixed === 1 ? "" : "es"} that bounced ${unfixed === 1 ? "is" : "are"} not fixed yet (see below): their mail is suppressed and will not go, but check the rest of the list is clean.`
                  : "Every address that bounced was fixed or removed."}
              </p>
            }
            confirmLabel="Resume sending"
            pendingLabel="Resuming…"
          >
            <label className="flex items-start gap-2 text-sm">
              <input type="checkbox" name="confirmClean" className="mt-1 size-4" />
              <span>
                I fixed or removed the addresses that bounced and checked the list is clean.
              </span>
            </label>
          </ConfirmAction>
        </StateSummary>
      </div>
      <TenantHealth
        view={view}
        mailHref={(status, reason) =>
          `${base}/health/mail?status=${status}&reason=${encodeURIComponent(reason ?? "none")}`
        }
        unsentHref={(status, reason) =>
          (UNSENT_STATUSES as readonly string[]).includes(status)
            ? `${base}/unsent?period=all&show=all${reason ? `&reason=${encodeURIComponent(reason)}` : ""}`
            : null
        }
        memberHref={(id) => `${base}/members/${id}`}
        bouncedAction={(b, fixed) => (
          <ConfirmAction
            available={!fixed}
            action={removeBouncedAddress.bind(null, tenant.slug)}
            fields={{ id: b.memberId! }}
            label="Remove the address"
            variant="secondary"
            title={`Remove ${b.address} from ${b.loginId}?`}
            description={
              <p>
                No more mail goes to it. If they have not started yet, you get an activation code to
                hand them instead. To correct the address, edit the member.
              </p>
            }
            confirmLabel="Remove the address"
            destructive
          />
        )}
      />
    </AdminShell>
  );
}
