import type { Metadata } from "next";
import { MemberForm } from "@/components/member-form";
import { Shell } from "@/components/shell";
import { requireAdmin } from "@/lib/auth/actor";
import { adminNav } from "@/lib/tenants/nav";
import { tenantLogout } from "../../../actions";
import { addMember } from "./actions";

export const metadata: Metadata = { title: "Add a member" };

export default async function NewMemberPage({ params }: { params: Promise<{ tenant: string }> }) {
  const { actor, tenant } = await requireAdmin((await params).tenant);
  const path = `/t/${tenant.slug}/admin/members/new`;
  return (
    <Shell
      context={`${tenant.name} · administration`}
      userName={actor.name || actor.loginId}
      nav={adminNav(tenant.slug, path)}
      logout={tenantLogout.bind(null, tenant.slug)}
    >
      <h1 className="text-2xl font-semibold">Add a member</h1>
      <p className="mt-1 max-w-prose text-slate-600">
        The login ID is how they sign in. An e-mail address is optional: with one they get an
        invitation link; without one you get an activation code to hand them.
      </p>
      <div className="mt-6 max-w-lg">
        <MemberForm action={addMember.bind(null, tenant.slug)} />
      </div>
    </Shell>
  );
}
