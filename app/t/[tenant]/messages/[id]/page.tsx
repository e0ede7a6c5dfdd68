import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Badge } from "@/components/badge";
import { MessageBody } from "@/components/messages/message-body";
import { Card } from "@/components/ui";
import { UserError } from "@/lib/errors";
import { openMessage, type OpenedMessage } from "@/lib/messages/box";
import { requireLearner } from "@/lib/web/guards";
import { LearnerShell } from "../../learner-shell";

export const metadata: Metadata = { title: "Message" };

export default async function MessagePage({
  params,
}: {
  params: Promise<{ tenant: string; id: string }>;
}) {
  const { tenant: slug, id } = await params;
  const ctx = await requireLearner(slug);
  let message: OpenedMessage;
  try {
    // Opening it marks it read: a notice still waiting for it is cancelled.
    message = await openMessage(ctx, id);
  } catch (error) {
    if (error instanceof UserError && error.code === "not_found") notFound();
    throw error;
  }
  const base = `/t/${ctx.tenant.slug}/messages`;
  return (
    <LearnerShell ctx={ctx} current={base}>
      <p className="text-sm">
        <Link className="text-brand-700 underline" href={base}>
          ← All messages
        </Link>
      </p>
      <Card className="mt-3">
        <h1 className="break-words text-xl font-semibold">{message.subject}</h1>
        <p className="mt-1 text-sm text-slate-600">
          From {message.from} · {message.deliveredAt.toISOString().slice(0, 16).replace("T", " ")}{" "}
          UTC {message.kind === "announcement" && <Badge tone="info">Announcement</Badge>}
        </p>
        <div className="mt-4">
          <MessageBody body={message.body} />
        </div>
      </Card>
    </LearnerShell>
  );
}
