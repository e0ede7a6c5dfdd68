import type { Metadata } from "next";
import Link from "next/link";
import { Card } from "@/components/ui";
import { requireOperator } from "@/lib/web/guards";
import { listTenantsWithCounts } from "@/lib/tenants/tenants";
import { OperatorShell } from "../operator-shell";

export const metadata: Metadata = { title: "Tenants" };

export default async function OperatorTenantsPage() {
  const actor = await requireOperator();
  const tenants = await listTenantsWithCounts();
  return (
    <OperatorShell actor={actor} current="/ops/tenants">
      <h1 className="text-2xl font-semibold">Tenants</h1>
      <p className="mt-1 text-slate-600">Every organisation on this deployment and its members.</p>
      {tenants.length === 0 ? (
        <Card className="mt-6">
          <p className="text-sm text-slate-600">
            No tenants yet. Run <code>npm run db:seed</code> for a demo.
          </p>
        </Card>
      ) : (
        <div className="mt-6 overflow-x-auto rounded-lg border border-slate-200 bg-white">
          <table className="w-full min-w-[36rem] text-left text-sm">
            <caption className="sr-only">Tenants with member counts</caption>
            <thead className="bg-slate-50 text-slate-600">
              <tr>
                <th scope="col" className="px-4 py-2 font-medium">
                  Tenant
                </th>
                <th scope="col" className="px-4 py-2 font-medium">
                  Address
                </th>
                <th scope="col" className="px-4 py-2 text-right font-medium">
                  Members
                </th>
                <th scope="col" className="px-4 py-2 text-right font-medium">
                  Active
                </th>
                <th scope="col" className="px-4 py-2 text-right font-medium">
                  Invited
                </th>
                <th scope="col" className="px-4 py-2 text-right font-medium">
                  Disabled
                </th>
                <th scope="col" className="px-4 py-2 text-right font-medium">
                  Admins
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {tenants.map((t) => (
                <tr key={t.id}>
                  <th scope="row" className="px-4 py-2 font-medium">
                    <Link className="text-brand-700 underline" href={`/ops/tenants/${t.slug}`}>
                      {t.name}
                    </Link>
                  </th>
                  <td className="px-4 py-2">
                    <Link className="text-brand-700 underline" href={`/t/${t.slug}/login`}>
                      /t/{t.slug}
                    </Link>
                  </td>
                  <td className="px-4 py-2 text-right tabular-nums">{t.members.total}</td>
                  <td className="px-4 py-2 text-right tabular-nums">{t.members.active}</td>
                  <td className="px-4 py-2 text-right tabular-nums">{t.members.invited}</td>
                  <td className="px-4 py-2 text-right tabular-nums">{t.members.disabled}</td>
                  <td className="px-4 py-2 text-right tabular-nums">{t.admins}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </OperatorShell>
  );
}
