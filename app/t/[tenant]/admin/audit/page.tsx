import type { Metadata } from "next";
import { AuditLog } from "@/components/audit/audit-log";
import { auditEntries } from "@/lib/audit/log";
import { auditPeriod } from "@/lib/audit/labels";
import { cleanParams } from "@/lib/input/control";
import { requireAdmin } from "@/lib/web/guards";
import { AdminShell } from "../admin-shell";

export const metadata: Metadata = { title: "Audit log" };

type Props = {
  params: Promise<{ tenant: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
};

export default async function AdminAuditPage({ params, searchParams }: Props) {
  const { actor, tenant } = await requireAdmin((await params).tenant);
  const { params: query } = cleanParams(await searchParams);
  const text = (v: unknown, max: number) => (typeof v === "string" ? v.slice(0, max) : "");
  const filter = {
    tenant: "",
    action: text(query.action, 64),
    period: auditPeriod(text(query.period, 8)),
  };
  const before = text(query.before, 64) || undefined;
  // Only this tenant's entries: the scope, not the filter, decides.
  const page = await auditEntries(
    { kind: "tenant", tenantId: tenant.id },
    { action: filter.action, period: filter.period, before },
  );
  const base = `/t/${tenant.slug}/admin/audit`;
  return (
    <AdminShell ctx={{ actor, tenant }} current={base}>
      <h1 className="text-2xl font-semibold">Audit log</h1>
      <p className="mt-1 max-w-prose text-slate-600">
        Who changed what in {tenant.name} and when, newest first: your admins, your members&apos;
        own changes, and the platform&apos;s operators acting for you.
      </p>
      <AuditLog base={base} filter={filter} page={page} before={before} />
    </AdminShell>
  );
}
