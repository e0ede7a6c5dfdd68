import type { Metadata } from "next";
import { AdminShell } from "./admin-shell";
import { TestMailCard } from "@/components/test-mail-card";
import Link from "next/link";
import { Badge } from "@/components/badge";
import { STATE_TONE, STATE_WORD } from "@/components/health/tenant-health";
import { Card, Stat } from "@/components/ui";
import { sendStateOf } from "@/lib/health/views";
import { requireAdmin } from "@/lib/web/guards";
import { memberCounts } from "@/lib/tenants/tenants";
import { adminEmail } from "@/lib/tenants/members";
import { sendTestMail } from "./actions";

export const metadata: Metadata = { title: "Administration" };

export default async function AdminHomePage({ params }: { params: Promise<{ tenant: string }> }) {
  const { actor, tenant } = await requireAdmin((await params).tenant);
  const [counts, email, sendState] = await Promise.all([
    memberCounts(tenant.id),
    adminEmail(tenant.id, actor.userId),
    sendStateOf(tenant.id),
  ]);
  const path = `/t/${tenant.slug}/admin`;
  return (
    <AdminShell ctx={{ actor, tenant }} current={path} sendState={sendState}>
      <h1 className="text-2xl font-semibold">{tenant.name}</h1>
      <p className="mt-1 text-slate-600">Members of your organisation by status.</p>
      <dl className="mt-6 grid grid-cols-2 gap-3 sm:grid-cols-4" aria-label="Members by status">
        <Stat label="All members" value={counts.total} />
        <Stat label="Active" value={counts.active} />
        <Stat label="Invited, not yet active" value={counts.invited} />
        <Stat label="Disabled" value={counts.disabled} />
      </dl>
      <Card className="mt-6">
        <div className="flex flex-wrap items-center gap-2">
          <h2 className="font-medium">Sending</h2>
          <Badge tone={STATE_TONE[sendState.kind]}>{STATE_WORD[sendState.kind]}</Badge>
        </div>
        <p className="mt-1 text-sm text-slate-700" data-testid="home-send-state">
          {sendState.title}. {sendState.kind === "healthy" ? "" : sendState.nextStep}
        </p>
        <p className="mt-1 text-sm">
          <Link className="text-brand-700 underline" href={`${path}/health`}>
            Send health
          </Link>
        </p>
      </Card>
      {counts.total === 0 && (
        <p className="mt-6 text-sm text-slate-600">This organisation has no members yet.</p>
      )}
      <div className="mt-6">
        <TestMailCard
          tenantSlug={tenant.slug}
          email={email}
          action={sendTestMail.bind(null, tenant.slug)}
        />
      </div>
    </AdminShell>
  );
}
