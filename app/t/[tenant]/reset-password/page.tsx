import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ActivationForm } from "@/components/activation-form";
import { ResetRequestForm } from "@/components/reset-request-form";
import { Alert, Card } from "@/components/ui";
import { resetLinkIsUsable } from "@/lib/members/password-reset";
import { findTenantBySlug } from "@/lib/tenants/tenants";
import { askForReset, resetByLink } from "./actions";
import { cleanParams } from "@/lib/input/control";

export const metadata: Metadata = { title: "Reset your password" };

type Props = {
  params: Promise<{ tenant: string }>;
  searchParams: Promise<{ token?: string | string[] }>;
};

export default async function ResetPasswordPage({ params, searchParams }: Props) {
  const tenant = await findTenantBySlug((await params).tenant);
  if (!tenant) notFound();
  const { token } = cleanParams(await searchParams).params;
  // A link cut short or mangled by a mail client is a link that does not work: say so.
  const given = typeof token === "string" && token !== "";
  const link = given && /^[A-Za-z0-9_-]{16,128}$/.test(token) ? token : null;
  const usable = link ? await resetLinkIsUsable(tenant.id, link) : false;
  return (
    <main className="mx-auto flex min-h-dvh max-w-sm flex-col justify-center gap-4 p-6">
      <div>
        <p className="text-sm font-semibold text-brand-700">Sendwell</p>
        <h1 className="text-2xl font-semibold">Reset your password</h1>
        <p className="mt-1 text-sm text-slate-600">{tenant.name}</p>
      </div>
      <Card>
        {given && !usable ? (
          <Alert>
            {link
              ? "This reset link has expired or was already used."
              : "This reset link is incomplete: your mail program may have cut it short. Open the link from the mail again, or copy all of it into the address bar, or"}{" "}
            <Link className="underline" href={`/t/${tenant.slug}/reset-password`}>
              {link ? "Ask for a new one" : "ask for a new one"}
            </Link>
            .
          </Alert>
        ) : link ? (
          <ActivationForm
            withCode={false}
            submitLabel="Save the new password"
            hidden={{ token: link }}
            action={resetByLink.bind(null, tenant.slug)}
          />
        ) : (
          <ResetRequestForm action={askForReset.bind(null, tenant.slug)} />
        )}
      </Card>
      <p className="text-sm">
        <Link className="text-brand-700 underline" href={`/t/${tenant.slug}/login`}>
          Back to sign-in
        </Link>
      </p>
    </main>
  );
}
