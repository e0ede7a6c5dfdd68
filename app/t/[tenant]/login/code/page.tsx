import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { LoginCodeForm, ResendCodeForm } from "@/components/login-code-form";
import { Alert, Card } from "@/components/ui";
import { challengeView, UNDELIVERABLE_TEXT } from "@/lib/auth/login-codes";
import { cleanParams } from "@/lib/input/control";
import { findTenantBySlug } from "@/lib/tenants/tenants";
import { resendLoginCode, verifyLoginCode } from "./actions";

export const metadata: Metadata = { title: "Login code" };

type Props = {
  params: Promise<{ tenant: string }>;
  searchParams: Promise<{ c?: string | string[]; next?: string | string[] }>;
};

export default async function LoginCodePage({ params, searchParams }: Props) {
  const tenant = await findTenantBySlug((await params).tenant);
  if (!tenant) notFound();
  const query = cleanParams(await searchParams).params;
  const challenge = typeof query.c === "string" ? query.c : "";
  const next = typeof query.next === "string" ? query.next : undefined;
  const view = await challengeView(tenant.id, challenge);
  const login = `/t/${tenant.slug}/login`;
  return (
    <main className="mx-auto flex min-h-dvh max-w-sm flex-col justify-center gap-4 p-6">
      <div>
        <p className="text-sm font-semibold text-brand-700">Sendwell</p>
        <h1 className="text-2xl font-semibold">{tenant.name}</h1>
        <p className="mt-1 text-sm text-slate-600">One more step: your login code.</p>
      </div>
      {view.state === "over" ? (
        <>
          <Alert>{view.message}</Alert>
          <Link className="text-sm text-brand-700 underline" href={login}>
            Sign in again
          </Link>
        </>
      ) : (
        <>
          {view.undeliverable ? (
            <div data-testid="code-undeliverable">
              <Alert>
                {UNDELIVERABLE_TEXT[view.undeliverable]} Ask your administrator for a one-time
                bypass code (they issue it on your member page), and enter it below.
              </Alert>
            </div>
          ) : (
            <Alert tone="info">
              We sent a 6-digit code to {view.address}. It works once, for 10 minutes.
              {view.triesLeft < 5 && ` ${view.triesLeft} tries left.`}
            </Alert>
          )}
          <Card>
            <LoginCodeForm
              action={verifyLoginCode.bind(null, tenant.slug)}
              challenge={challenge}
              next={next}
              bypassOnly={view.undeliverable !== null}
            />
          </Card>
          {!view.undeliverable && (
            <ResendCodeForm
              action={resendLoginCode.bind(null, tenant.slug)}
              challenge={challenge}
            />
          )}
          <p className="text-sm text-slate-600">
            No code? Codes that cannot leave within 10 minutes are never sent late: ask for a new
            one, or ask your administrator for a bypass code.
          </p>
        </>
      )}
    </main>
  );
}
