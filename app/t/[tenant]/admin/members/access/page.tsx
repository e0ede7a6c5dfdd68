import type { Metadata } from "next";
import { AdminShell } from "../../admin-shell";
import { MemberAccessForm } from "@/components/member-access-form";
import { requireAdmin } from "@/lib/web/guards";
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
    <AdminShell ctx={{ actor, tenant }} current={path}>
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
    </AdminShell>
  );
}
