import type { Metadata } from "next";
import { MemberAccessForm } from "@/components/member-access-form";
import { Shell } from "@/components/shell";
import { requireAdmin } from "@/lib/auth/actor";
import { adminNav } from "@/lib/tenants/nav";
import { tenantLogout } from "../../../actions";
import { sendResetLink, setTemporaryPassword } from "./actions";

export const metadata: Metadata = { title: "Help a member sign in" };

export default async function MemberAccessPage({
  params,
}: {
  params: Promise<{ tenant: string }>;
}) {
  const { actor, tenant } = await requireAdmin((await params).tenant);
  const path = `/t/${tenant.slug}/admin/members/access`;
  return (
    <Shell
      context={`${tenant.name} · administration`}
      userName={actor.name || actor.loginId}
      nav={adminNav(tenant.slug, path)}
      logout={tenantLogout.bind(null, tenant.slug)}
    >
      <h1 className="text-2xl font-semibold">Help a member sign in</h1>
      <p className="mt-1 max-w-prose text-slate-600">
        Send a reset link to a member whose mail arrives, or set a one-time temporary password to
        hand over; they choose their own at their next sign-in. Either way their open sessions end.
      </p>
      <div className="mt-6 max-w-lg">
        <MemberAccessForm
          sendReset={sendResetLink.bind(null, tenant.slug)}
          temporary={setTemporaryPassword.bind(null, tenant.slug)}
        />
      </div>
    </Shell>
  );
}
