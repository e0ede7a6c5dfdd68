import type { Metadata } from "next";
import { AdminShell } from "../../admin-shell";
import Link from "next/link";
import { notFound } from "next/navigation";
import { MemberCommands, MemberEditForm } from "@/components/member-detail-forms";
import { requireAdmin } from "@/lib/web/guards";
import { Badge } from "@/components/badge";
import { MailHistory } from "@/components/mail-history";
import { latestMailOf, memberMail } from "@/lib/mail/history";
import { mailBadge } from "@/lib/members/mail-badge";
import { findMember } from "@/lib/members/members";
import { MEMBER_STATUS, ROLE_LABEL } from "@/lib/members/status-badge";
import { ActivationCodeCommand } from "@/components/activation-code-command";
import { FixAddressButton } from "@/components/fix-address-button";
import { checkMemberAddress, refusalOf } from "@/lib/members/address-check";
import { fixAddress, giveActivationCode, memberCommand, saveMember } from "./actions";
import { issueBypass } from "./bypass/actions";
import { BypassCodeCard } from "@/components/bypass-code-card";

export const metadata: Metadata = { title: "Member" };

export default async function MemberPage({
  params,
}: {
  params: Promise<{ tenant: string; id: string }>;
}) {
  const { tenant: slug, id } = await params;
  const { actor, tenant } = await requireAdmin(slug);
  const member = await findMember(tenant.id, id);
  if (!member) notFound();
  const [mail, latest, address] = await Promise.all([
    memberMail(tenant.id, member.id),
    latestMailOf(tenant.id, [member.id]),
    member.email ? checkMemberAddress(tenant.id, member.email) : null,
  ]);
  const problems = address?.problems ?? [];
  const suggestion = problems.find((p) => p.suggestion)?.suggestion;
  const refusal = refusalOf(problems, false);
  const badge = mailBadge(member.emailStatus, latest.get(member.id) ?? null);
  const list = `/t/${tenant.slug}/admin/members`;
  const isSelf = member.id === actor.userId;
  return (
    <AdminShell ctx={{ actor, tenant }} current={list}>
      <p className="text-sm">
        <Link className="text-brand-700 underline" href={list}>
          ← Members
        </Link>
      </p>
      <h1 className="mt-2 font-mono text-2xl font-semibold">{member.loginId}</h1>
      <dl className="mt-3 grid grid-cols-2 gap-3 text-sm sm:grid-cols-4">
        <div>
          <dt className="text-slate-600">Status</dt>
          <dd data-testid="member-status" title={MEMBER_STATUS[member.status].title}>
            <Badge tone={MEMBER_STATUS[member.status].tone}>
              {MEMBER_STATUS[member.status].label}
            </Badge>
          </dd>
        </div>
        <div>
          <dt className="text-slate-600">Mail</dt>
          <dd title={badge.title}>
            <Badge tone={badge.tone}>{badge.label}</Badge>
          </dd>
        </div>
        <div>
          <dt className="text-slate-600">Role</dt>
          <dd>{ROLE_LABEL[member.role]}</dd>
        </div>
        <div>
          <dt className="text-slate-600">Last sign-in</dt>
          <dd>
            {member.lastLoginAt ? member.lastLoginAt.slice(0, 16).replace("T", " ") : "never"}
          </dd>
        </div>
      </dl>
      {problems.length > 0 && (
        <section
          aria-labelledby="address-problems"
          className="mt-4 rounded-lg border border-amber-200 bg-amber-50 p-4 text-sm text-amber-950"
          data-testid="address-problems"
        >
          <h2 id="address-problems" className="font-medium">
            About {member.email}
          </h2>
          <ul className="mt-1 list-disc pl-5">
            {problems.map((p) => (
              <li key={p.code}>{p.message}</li>
            ))}
          </ul>
          {refusal && (
            <p className="mt-1">
              No mail is queued to this address until it is fixed
              {refusal.overridable ? " or you confirm it exists" : ""}.
            </p>
          )}
          {suggestion && (
            <div className="mt-2">
              <FixAddressButton
                action={fixAddress.bind(null, tenant.slug)}
                memberId={member.id}
                suggestion={suggestion}
              />
            </div>
          )}
        </section>
      )}
      <div className="mt-6 grid gap-6 lg:grid-cols-2">
        <MemberEditForm member={member} action={saveMember.bind(null, tenant.slug)} />
        {isSelf ? (
          <p className="text-sm text-slate-600">This is your own account.</p>
        ) : (
          <div className="flex flex-col gap-4">
            <MemberCommands
              member={member}
              action={memberCommand.bind(null, tenant.slug)}
              addressRefusal={refusal?.overridable ? refusal.message : undefined}
            />
            {member.status === "invited" && (
              <ActivationCodeCommand
                action={giveActivationCode.bind(null, tenant.slug)}
                memberId={member.id}
                loginId={member.loginId}
                hasAddress={member.email !== null}
              />
            )}
          </div>
        )}
      </div>
      {!isSelf && member.status === "active" && (
        <div className="mt-6">
          <BypassCodeCard action={issueBypass.bind(null, tenant.slug)} memberId={member.id} />
        </div>
      )}
      <h2 className="mt-8 text-lg font-semibold">Mail to this member</h2>
      <MailHistory lines={mail} />
    </AdminShell>
  );
}
