import type { Metadata } from "next";
import { Shell } from "@/components/shell";
import { Card } from "@/components/ui";
import { requireLearner } from "@/lib/web/guards";
import { learnerNav } from "@/lib/tenants/nav";
import { tenantLogout } from "./actions";

export const metadata: Metadata = { title: "My page" };

export default async function LearnerHomePage({ params }: { params: Promise<{ tenant: string }> }) {
  const { actor, tenant } = await requireLearner((await params).tenant);
  const path = `/t/${tenant.slug}`;
  return (
    <Shell
      context={tenant.name}
      userName={actor.name || actor.loginId}
      nav={learnerNav(tenant.slug, actor.role === "admin", path)}
      logout={tenantLogout.bind(null, tenant.slug)}
    >
      <h1 className="text-2xl font-semibold">Welcome, {actor.name || actor.loginId}</h1>
      <p className="mt-1 text-slate-600">You are signed in to {tenant.name}.</p>
      <Card className="mt-6">
        <h2 className="font-medium">Your account</h2>
        <dl className="mt-3 grid grid-cols-1 gap-3 text-sm sm:grid-cols-2">
          <div>
            <dt className="text-slate-600">Login ID</dt>
            <dd className="font-mono" data-testid="login-id">
              {actor.loginId}
            </dd>
          </div>
          <div>
            <dt className="text-slate-600">Organisation</dt>
            <dd>{tenant.name}</dd>
          </div>
        </dl>
      </Card>
    </Shell>
  );
}
