import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ConfirmAction } from "@/components/confirm-action";
import { StateSummary, TenantHealth } from "@/components/health/tenant-health";
import { Badge } from "@/components/badge";
import { Card, stacked } from "@/components/ui";
import { REASON_WORD } from "@/lib/suppressions/export";
import { tenantSuppressions } from "@/lib/suppressions/manage";
import { tenantHealthView } from "@/lib/health/views";
import { findTenantBySlug } from "@/lib/tenants/tenants";
import { requireOperator } from "@/lib/web/guards";
import { OperatorShell } from "../../operator-shell";
import { liftSuppressionAsOperator, pauseTenantBulk, resumeTenantBulk } from "./actions";
import { setAdminLoginCodes } from "./login-codes/actions";
import { ActionForm } from "@/components/action-form";
import { loginCodeSettings } from "@/lib/auth/login-codes";

export const metadata: Metadata = { title: "Tenant sending" };

export default async function OperatorTenantPage({
  params,
}: {
  params: Promise<{ slug: string }>;
}) {
  const actor = await requireOperator();
  const tenant = await findTenantBySlug((await params).slug);
  if (!tenant) notFound();
  const [view, suppressed, codes] = await Promise.all([
    tenantHealthView(tenant.id),
    tenantSuppressions(tenant.id, { page: 1 }),
    loginCodeSettings(tenant.id),
  ]);
  // The tenant's own breaker, whatever platform-wide pause is shown in front of it.
  const paused = view.state.breaker === "open";
  return (
    <OperatorShell actor={actor} current="/ops/tenants">
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
      <TenantHealth view={view} />
      <Card className="mt-6">
        <h2 className="text-lg font-semibold">Login codes for its admins</h2>
        <p className="mt-1 text-sm text-slate-600">
          {codes.loginCodesForAdmins
            ? "Required: its admins enter a code from their e-mail after the password."
            : `Not required by operators; the organisation has login codes ${codes.loginCodes ? "on" : "off"} for everyone.`}
        </p>
        <ActionForm
          className="mt-3"
          action={setAdminLoginCodes}
          fields={{ slug: tenant.slug, on: codes.loginCodesForAdmins ? "0" : "1" }}
          label={codes.loginCodesForAdmins ? "Stop requiring codes" : "Require codes for admins"}
        />
      </Card>
      <Card className="mt-6">
        <h2 className="text-lg font-semibold">Suppressions</h2>
        <p className="mt-1 text-sm text-slate-600">
          {suppressed.total.toLocaleString("en")} addresses, newest first. Operators lift any, a
          complaint too (when its owner asked to be mailed again); the tenant&apos;s admins see the
          change.
        </p>
        {suppressed.lines.length > 0 && (
          <table className={`${stacked.table} mt-2`} data-testid="ops-suppressions">
            <thead className={stacked.head}>
              <tr>
                <th className="py-1 pr-3 font-medium">Address</th>
                <th className="py-1 pr-3 font-medium">Why</th>
                <th className="py-1 pr-3 font-medium">Since (UTC)</th>
                <th className="py-1 pr-3 font-medium" />
              </tr>
            </thead>
            <tbody className={stacked.body}>
              {suppressed.lines.map((l) => (
                <tr key={`${l.scope} ${l.address}`} className={stacked.row}>
                  <td className={`${stacked.cell} break-all`} data-label="Address: ">
                    {l.address}
                  </td>
                  <td className={stacked.cell} data-label="Why: ">
                    <Badge tone={l.reason === "complaint" ? "stop" : "warn"}>
                      {REASON_WORD[l.reason]}
                    </Badge>{" "}
                    {l.scope === "account" && <Badge tone="muted">Whole platform</Badge>}
                  </td>
                  <td className={`${stacked.cell} whitespace-nowrap`} data-label="Since: ">
                    {l.createdAt}
                  </td>
                  <td className={stacked.cell}>
                    <ConfirmAction
                      action={liftSuppressionAsOperator}
                      fields={{ slug: tenant.slug, address: l.address }}
                      label="Lift"
                      variant="secondary"
                      title={`Lift the suppression of ${l.address}?`}
                      description={
                        <p>
                          For {tenant.name} and for the whole platform. If the mailbox still does
                          not exist, or its owner still does not want the mail, the next one bounces
                          or is reported again, against the account&apos;s rates.
                        </p>
                      }
                      confirmLabel="Lift the suppression"
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
    </OperatorShell>
  );
}
