import type { ReactNode } from "react";
import { Shell } from "@/components/shell";
import type { TenantActor } from "@/lib/auth/actor";
import { adminNav } from "@/lib/tenants/nav";
import { tenantLogout } from "../actions";

/** The frame of every admin page: the tenant, the admin, the admin navigation with `current` marked. */
export function AdminShell({
  ctx,
  current,
  children,
}: {
  ctx: TenantActor;
  current: string;
  children: ReactNode;
}) {
  const { actor, tenant } = ctx;
  return (
    <Shell
      context={`${tenant.name} · administration`}
      userName={actor.name || actor.loginId}
      nav={adminNav(tenant.slug, current)}
      logout={tenantLogout.bind(null, tenant.slug)}
    >
      {children}
    </Shell>
  );
}
