import type { Metadata } from "next";
import Link from "next/link";
import { Card } from "@/components/ui";
import { latestMessage } from "@/lib/messages/box";
import { requireLearner } from "@/lib/web/guards";
import { LearnerShell } from "./learner-shell";

export const metadata: Metadata = { title: "My page" };

export default async function LearnerHomePage({ params }: { params: Promise<{ tenant: string }> }) {
  const ctx = await requireLearner((await params).tenant);
  const { actor, tenant } = ctx;
  const path = `/t/${tenant.slug}`;
  const latest = await latestMessage(ctx);
  return (
    <LearnerShell ctx={ctx} current={path}>
      <h1 className="text-2xl font-semibold">Welcome, {actor.name || actor.loginId}</h1>
      <p className="mt-1 text-slate-600">You are signed in to {tenant.name}.</p>
      <Card className="mt-6">
        <h2 className="font-medium">Latest message</h2>
        {latest ? (
          <div className="mt-2" data-testid="latest-message">
            <Link
              className="break-words font-medium text-brand-700 underline"
              href={`${path}/messages/${latest.id}`}
            >
              {latest.subject}
            </Link>
            {!latest.readAt && (
              <span className="ml-2 text-xs font-medium text-brand-700">Unread</span>
            )}
            <p className="mt-1 line-clamp-2 break-words text-sm text-slate-600">{latest.excerpt}</p>
            <p className="mt-2 text-sm">
              <Link className="text-brand-700 underline" href={`${path}/messages`}>
                All messages
              </Link>
            </p>
          </div>
        ) : (
          <p className="mt-2 text-sm text-slate-600">
            No messages yet. When your organisation writes to you, it appears here.
          </p>
        )}
      </Card>
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
    </LearnerShell>
  );
}
