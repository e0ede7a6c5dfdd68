import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ActivationForm } from "@/components/activation-form";
import { Alert, Card } from "@/components/ui";
import { invitationLoginId } from "@/lib/members/activation";
import { findTenantBySlug } from "@/lib/tenants/tenants";
import { activateByCode, activateByLink } from "./actions";
import { cleanParams } from "@/lib/input/control";

export const metadata: Metadata = { title: "Activate your account" };

type Props = {
  params: Promise<{ tenant: string }>;
  searchParams: Promise<{ token?: string | string[] }>;
};

export default async function ActivatePage({ params, searchParams }: Props) {
  const tenant = await findTenantBySlug((await params).tenant);
  if (!tenant) notFound();
  const { token } = cleanParams(await searchParams).params;
  // A link cut short or mangled by a mail client is a link that does not work: say so.
  const given = typeof token === "string" && token !== "";
  const link = given && /^[A-Za-z0-9_-]{16,128}$/.test(token) ? token : null;
  const loginId = link ? await invitationLoginId(tenant.id, link) : null;
  return (
    <main className="mx-auto flex min-h-dvh max-w-sm flex-col justify-center gap-4 p-6">
      <div>
        <p className="text-sm font-semibold text-brand-700">Sendwell</p>
        <h1 className="text-2xl font-semibold">{tenant.name}</h1>
        <p className="mt-1 text-sm text-slate-600">
          {given
            ? "Choose your password to start."
            : "Enter your login ID, the activation code you were given, and a password."}
        </p>
      </div>
      <Card>
        {given && !loginId ? (
          <Alert>
            {link
              ? "This link has expired or was already used."
              : "This link is incomplete: your mail program may have cut it short. Open the link from the mail again, or copy all of it into the address bar."}{" "}
            Ask your administrator to send a new invitation, or{" "}
            <Link className="underline" href={`/t/${tenant.slug}/login`}>
              sign in
            </Link>{" "}
            if you have already set your password.
          </Alert>
        ) : (
          <>
            {loginId && (
              <p className="mb-4 text-sm text-slate-700">
                Your login ID is{" "}
                <span className="font-mono font-medium" data-testid="activation-login-id">
                  {loginId}
                </span>
                . You will use it to sign in next time; this time you are signed in as soon as your
                password is set.
              </p>
            )}
            <ActivationForm
              withCode={!link}
              hidden={link ? { token: link } : undefined}
              action={
                link
                  ? activateByLink.bind(null, tenant.slug)
                  : activateByCode.bind(null, tenant.slug)
              }
            />
          </>
        )}
      </Card>
    </main>
  );
}
