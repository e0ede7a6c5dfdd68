import type { Metadata } from "next";
import Link from "next/link";
import { AdminShell } from "../../admin-shell";
import { ComposeForm } from "@/components/messages/compose-form";
import { AudiencePreviewCard } from "@/components/messages/audience-preview";
import { Alert, Card } from "@/components/ui";
import { UserError } from "@/lib/errors";
import { cleanParams } from "@/lib/input/control";
import { audienceQuery, parseAudience, type Audience } from "@/lib/messages/audience";
import { previewAudience, type AudiencePreview } from "@/lib/messages/preview";
import { memberQueryString } from "@/lib/members/list-query";
import { requireAdmin } from "@/lib/web/guards";
import { sendMessage } from "./actions";

export const metadata: Metadata = { title: "New message" };

type Props = {
  params: Promise<{ tenant: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
};

function describe(audience: Audience): string {
  if (audience.kind === "all") return "All members of your organisation (not disabled ones).";
  if (audience.kind === "selected") {
    return `The ${audience.ids.length} member${audience.ids.length === 1 ? "" : "s"} you selected on the members page.`;
  }
  const f = audience.filter;
  const parts = [
    f.status && `status ${f.status}`,
    f.email && `mail ${f.email}`,
    f.never && "never signed in",
    f.q && `search "${f.q}"`,
  ].filter(Boolean);
  return `Members matching the member table's filters: ${parts.length ? parts.join(", ") : "none (everyone)"}.`;
}

export default async function NewMessagePage({ params, searchParams }: Props) {
  const ctx = await requireAdmin((await params).tenant);
  const base = `/t/${ctx.tenant.slug}/admin`;
  // Control characters in a hand-edited URL are removed before anything reads it.
  const parsed = parseAudience(cleanParams(await searchParams).params);
  let preview: AudiencePreview | null = null;
  let problem = parsed.ok ? null : parsed.message;
  if (parsed.ok) {
    try {
      preview = await previewAudience(ctx, parsed.audience);
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      problem = error.message;
    }
  }
  const audience = parsed.ok ? parsed.audience : null;
  const membersLink =
    audience?.kind === "filter"
      ? `${base}/members${memberQueryString({ ...audience.filter, status: audience.filter.status as never, email: audience.filter.email as never })}`
      : `${base}/members`;
  return (
    <AdminShell ctx={ctx} current={`${base}/messages`}>
      <p className="text-sm">
        <Link className="text-brand-700 underline" href={`${base}/messages`}>
          ← Sent messages
        </Link>
      </p>
      <h1 className="mt-2 text-2xl font-semibold">New message</h1>
      <p className="mt-1 text-slate-600">
        It lands in each recipient&apos;s message box on Sendwell, whatever happens to mail.
      </p>
      <Card className="mt-6">
        <h2 className="font-medium">Recipients</h2>
        {audience && <p className="mt-1 text-sm text-slate-700">{describe(audience)}</p>}
        <p className="mt-2 flex flex-wrap gap-x-4 gap-y-1 text-sm">
          <Link className="text-brand-700 underline" href={`${base}/messages/new?audience=all`}>
            All members
          </Link>
          <Link className="text-brand-700 underline" href={membersLink}>
            Choose on the members page (filters, or select and &quot;Message selected&quot;)
          </Link>
        </p>
        {problem && (
          <div className="mt-3">
            <Alert>{problem}</Alert>
          </div>
        )}
        {preview && <AudiencePreviewCard preview={preview} membersPath={`${base}/members`} />}
      </Card>
      {audience && preview && (
        <Card className="mt-6">
          <ComposeForm
            action={sendMessage.bind(null, ctx.tenant.slug)}
            audience={Object.fromEntries(new URLSearchParams(audienceQuery(audience)))}
            recipients={preview.total}
          />
        </Card>
      )}
    </AdminShell>
  );
}
