import type { Metadata } from "next";
import { AuditLog } from "@/components/audit/audit-log";
import { auditEntries } from "@/lib/audit/log";
import { auditPeriod } from "@/lib/audit/labels";
import { cleanParams } from "@/lib/input/control";
import { listTenantsWithCounts } from "@/lib/tenants/tenants";
import { requireOperator } from "@/lib/web/guards";
import { OperatorShell } from "../operator-shell";

export const metadata: Metadata = { title: "Audit log" };

export default async function OperatorAuditPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const actor = await requireOperator();
  const { params: query } = cleanParams(await searchParams);
  const text = (v: unknown, max: number) => (typeof v === "string" ? v.slice(0, max) : "");
  const tenants = await listTenantsWithCounts();
  const tenant = tenants.find((t) => t.slug === text(query.tenant, 64));
  const filter = {
    tenant: tenant?.slug ?? "",
    action: text(query.action, 64),
    period: auditPeriod(text(query.period, 8)),
  };
  const before = text(query.before, 64) || undefined;
  const page = await auditEntries(
    { kind: "operator" },
    { tenantId: tenant?.id, action: filter.action, period: filter.period, before },
  );
  return (
    <OperatorShell actor={actor} current="/ops/audit">
      <h1 className="text-2xl font-semibold">Audit log</h1>
      <p className="mt-1 max-w-prose text-slate-600">
        Who changed what and when, across every tenant and the platform, newest first.
      </p>
      <AuditLog base="/ops/audit" filter={filter} tenants={tenants} page={page} before={before} />
    </OperatorShell>
  );
}
