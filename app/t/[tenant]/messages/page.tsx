import type { Metadata } from "next";
import Link from "next/link";
import { ActionForm } from "@/components/action-form";
import { Pager } from "@/components/messages/pager";
import { Card } from "@/components/ui";
import { listBox } from "@/lib/messages/box";
import { requireLearner } from "@/lib/web/guards";
import { LearnerShell } from "../learner-shell";
import { markAllMessagesRead } from "./actions";

export const metadata: Metadata = { title: "Messages" };

type Props = {
  params: Promise<{ tenant: string }>;
  searchParams: Promise<{ page?: string | string[] }>;
};

export default async function MessageBoxPage({ params, searchParams }: Props) {
  const ctx = await requireLearner((await params).tenant);
  const page = Math.max(1, Math.min(100_000, Number((await searchParams).page) || 1));
  const box = await listBox(ctx, page);
  const base = `/t/${ctx.tenant.slug}/messages`;
  return (
    <LearnerShell ctx={ctx} current={base} unread={box.unread}>
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h1 className="text-2xl font-semibold">Messages</h1>
        {box.unread > 0 && (
          <ActionForm
            action={markAllMessagesRead.bind(null, ctx.tenant.slug)}
            fields={{}}
            label="Mark all read"
            pendingLabel="Marking…"
          />
        )}
      </div>
      <p className="mt-1 text-slate-600" data-testid="box-summary">
        {box.total === 0
          ? "Your message box."
          : `${box.total.toLocaleString("en")} message${box.total === 1 ? "" : "s"}, ${box.unread.toLocaleString("en")} unread.`}
      </p>
      {box.total === 0 ? (
        <Card className="mt-6">
          <p className="text-sm text-slate-700">
            Nothing here yet. When {ctx.tenant.name} writes to you, the message waits here for you,
            even if e-mail cannot reach you.
          </p>
        </Card>
      ) : (
        <>
          <ul className="mt-6 divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white">
            {box.lines.map((m) => (
              <li key={m.id} data-unread={m.readAt ? undefined : "true"}>
                <Link
                  href={`${base}/${m.id}`}
                  className="block px-4 py-3 hover:bg-slate-50 focus-visible:bg-slate-50"
                >
                  <span className="flex flex-wrap items-baseline justify-between gap-x-3">
                    <span
                      className={`break-words ${m.readAt ? "text-slate-800" : "font-semibold text-slate-950"}`}
                    >
                      {!m.readAt && (
                        <span
                          className="mr-2 inline-block size-2 rounded-full bg-brand-600 align-middle"
                          aria-hidden
                        />
                      )}
                      {!m.readAt && <span className="sr-only">Unread: </span>}
                      {m.subject}
                    </span>
                    <span className="text-xs text-slate-600">
                      {m.deliveredAt.toISOString().slice(0, 10)}
                    </span>
                  </span>
                  <span className="mt-0.5 line-clamp-1 break-words text-sm text-slate-600">
                    {m.excerpt}
                  </span>
                </Link>
              </li>
            ))}
          </ul>
          <Pager page={page} pages={box.pages} href={(p) => `${base}?page=${p}`} />
        </>
      )}
    </LearnerShell>
  );
}
