import type { ReactNode } from "react";
import { Shell } from "@/components/shell";
import type { TenantActor } from "@/lib/auth/actor";
import { unreadCount } from "@/lib/messages/box";
import { learnerNav } from "@/lib/tenants/nav";
import { tenantLogout } from "./actions";

/** The frame of a member's own pages, with their unread count on "Messages". */
export async function LearnerShell({
  ctx,
  current,
  unread,
  children,
}: {
  ctx: TenantActor;
  current: string;
  /** When the page counted it already (after marking read). */
  unread?: number;
  children: ReactNode;
}) {
  const { actor, tenant } = ctx;
  const count = unread ?? (await unreadCount(ctx));
  return (
    <Shell
      context={tenant.name}
      userName={actor.name || actor.loginId}
      loginId={actor.loginId}
      changePasswordHref={`/t/${tenant.slug}/change-password`}
      nav={learnerNav(tenant.slug, actor.role === "admin", current, count)}
      logout={tenantLogout.bind(null, tenant.slug)}
    >
      {children}
    </Shell>
  );
}
