import Link from "next/link";
import type { ReactNode } from "react";
import { Shell } from "@/components/shell";
import { Alert } from "@/components/ui";
import type { TenantActor } from "@/lib/auth/actor";
import type { SendState } from "@/lib/health/state";
import { sendStateOf } from "@/lib/health/views";
import { unreadCount } from "@/lib/messages/box";
import { adminNav } from "@/lib/tenants/nav";
import { tenantLogout } from "../actions";

/**
 * The frame of every admin page: the tenant, the admin, the admin navigation with `current` marked,
 * and, while bulk mail is paused or limited, a banner that says so and leads to the health page.
 */
export async function AdminShell({
  ctx,
  current,
  sendState,
  children,
}: {
  ctx: TenantActor;
  current: string;
  /** When the page read it already. */
  sendState?: SendState;
  children: ReactNode;
}) {
  const { actor, tenant } = ctx;
  const health = `/t/${tenant.slug}/admin/health`;
  const [state, unread] = await Promise.all([
    current === health ? null : (sendState ?? sendStateOf(tenant.id)),
    unreadCount(ctx),
  ]);
  return (
    <Shell
      context={`${tenant.name} · administration`}
      userName={actor.name || actor.loginId}
      loginId={actor.loginId}
      changePasswordHref={`/t/${tenant.slug}/change-password`}
      nav={adminNav(tenant.slug, current, unread)}
      logout={tenantLogout.bind(null, tenant.slug)}
    >
      {state && state.kind !== "healthy" && (
        <div className="mb-4" data-testid="send-banner">
          <Alert tone={state.kind === "paused" ? "error" : "info"}>
            <strong>{state.title}.</strong> {state.nextStep}{" "}
            <Link className="font-medium underline" href={health}>
              See send health
            </Link>
          </Alert>
        </div>
      )}
      {children}
    </Shell>
  );
}
