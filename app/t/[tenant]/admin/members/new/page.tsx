import type { Metadata } from "next";
import { AdminShell } from "../../admin-shell";
import { MemberForm } from "@/components/member-form";
import { requireAdmin } from "@/lib/web/guards";
import { addMember, checkTypedAddress } from "./actions";

export const metadata: Metadata = { title: "Add a member" };

export default async function NewMemberPage({ params }: { params: Promise<{ tenant: string }> }) {
  const { actor, tenant } = await requireAdmin((await params).tenant);
  const path = `/t/${tenant.slug}/admin/members/new`;
  return (
    <AdminShell ctx={{ actor, tenant }} current={path}>
      <h1 className="text-2xl font-semibold">Add a member</h1>
      <p className="mt-1 max-w-prose text-slate-600">
        The login ID is how they sign in. An e-mail address is optional: with one they get an
        invitation link; without one you get an activation code to hand them.
      </p>
      <div className="mt-6 max-w-lg">
        <MemberForm
          action={addMember.bind(null, tenant.slug)}
          checkAddress={checkTypedAddress.bind(null, tenant.slug)}
        />
      </div>
    </AdminShell>
  );
}
