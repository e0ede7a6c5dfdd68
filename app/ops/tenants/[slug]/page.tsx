import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ConfirmAction } from "@/components/confirm-action";
import { StateSummary, TenantHealth } from "@/components/health/tenant-health";
import { Shell } from "@/components/shell";
import { tenantHealthView } from "@/lib/health/views";
import { operatorNav } from "@/lib/tenants/nav";
import { findTenantBySlug } from "@/lib/tenants/tenants";
import { requireOperator } from "@/lib/web/guards";
import { operatorLogout } from "../../../login/actions";
import { pauseTenantBulk, resumeTenantBulk } from "./actions";

export const metadata: Metadata = { title: "Tenant sending" };

export default async function OperatorTenantPage({
  params,
}: {
  params: Promise<{ slug: string }>;
}) {
  const actor = await requireOperator();
  const tenant = await findTenantBySlug((await params).slug);
  if (!tenant) notFound();
  const view = await tenantHealthView(tenant.id);
  const paused =
    view.state.kind === "paused" &&
    (view.state.pausedBy === "breaker" || view.state.pausedBy === "operator");
  return (
    <Shell
      context="Operations"
      userName={actor.name || actor.loginId}
      nav={operatorNav("/ops/tenants")}
      logout={operatorLogout}
    >
      <p className="text-sm">
        <Link className="text-brand-700 underline" href="/ops">
          ← Sending
        </Link>
      </p>
      <h1 className="mt-2 text-2xl font-semibold">{tenant.name}</h1>
      <p className="mt-1 text-slate-600">
        Send health of <code>/t/{tenant.slug}</code>, as its admins see it.
      </p>
      <div className="mt-6">
        <StateSummary state={view.state}>
          {paused ? (
            <ConfirmAction
              action={resumeTenantBulk}
              fields={{ slug: tenant.slug }}
              label="Resume this tenant"
              title={`Resume bulk mail of ${tenant.name}?`}
              description={
                <p>
                  It restarts carefully, half-open at the smallest window, and its held mail is due
                  at once.
                </p>
              }
              confirmLabel="Resume"
            />
          ) : (
            <ConfirmAction
              action={pauseTenantBulk}
              fields={{ slug: tenant.slug }}
              label="Pause this tenant"
              variant="secondary"
              destructive
              title={`Pause bulk mail of ${tenant.name}?`}
              description={
                <p>
                  Its invitations and notices wait until you resume; password resets and login codes
                  still go. Its admins are told your reason.
                </p>
              }
              confirmLabel="Pause"
            >
              <label className="flex flex-col gap-1 text-sm">
                <span className="font-medium">Why (its admins see this)</span>
                <textarea
                  name="reason"
                  required
                  rows={2}
                  className="rounded-md border border-slate-300 px-3 py-2"
                />
              </label>
            </ConfirmAction>
          )}
        </StateSummary>
      </div>
      <TenantHealth view={view} mailHref={() => `/ops/events?tenant=${tenant.slug}`} />
    </Shell>
  );
}
