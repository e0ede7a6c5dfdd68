import type { Metadata } from "next";
import Link from "next/link";
import { notFound, redirect } from "next/navigation";
import { LoginForm } from "@/components/login-form";
import { Alert, Card } from "@/components/ui";
import { currentActor } from "@/lib/web/session";
import { findTenantBySlug } from "@/lib/tenants/tenants";
import { tenantLogin } from "../actions";
import { cleanParams } from "@/lib/input/control";

type Props = {
  params: Promise<{ tenant: string }>;
  searchParams: Promise<{
    next?: string | string[];
    activated?: string;
    reset?: string;
    changed?: string;
  }>;
};

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const tenant = await findTenantBySlug((await params).tenant);
  return { title: tenant ? `Sign in to ${tenant.name}` : "Not found" };
}

export default async function TenantLoginPage({ params, searchParams }: Props) {
  const tenant = await findTenantBySlug((await params).tenant);
  if (!tenant) notFound();
  const actor = await currentActor();
  if (actor && actor.tenantId === tenant.id) {
    redirect(actor.role === "admin" ? `/t/${tenant.slug}/admin` : `/t/${tenant.slug}`);
  }
  const { next, activated, reset, changed } = cleanParams(await searchParams).params;
  return (
    <main className="mx-auto flex min-h-dvh max-w-sm flex-col justify-center gap-4 p-6">
      <div>
        <p className="text-sm font-semibold text-brand-700">Sendwell</p>
        <h1 className="text-2xl font-semibold">{tenant.name}</h1>
        <p className="mt-1 text-sm text-slate-600">Sign in with your login ID and password.</p>
      </div>
      {activated && (
        <Alert tone="info">
          Your account is active. Sign in with your login ID and new password.
        </Alert>
      )}
      {(reset || changed) && (
        <Alert tone="info">Your password was changed. Sign in with the new one.</Alert>
      )}
      <Card>
        <LoginForm
          action={tenantLogin.bind(null, tenant.slug)}
          next={typeof next === "string" ? next : undefined}
        />
      </Card>
      <p className="text-sm">
        <Link className="text-brand-700 underline" href={`/t/${tenant.slug}/reset-password`}>
          Forgot your password?
        </Link>
      </p>
      <p className="text-sm text-slate-600">
        First time here? Open the link in your invitation, or{" "}
        <Link className="text-brand-700 underline" href={`/t/${tenant.slug}/activate`}>
          activate your account
        </Link>{" "}
        with the activation code you were given.
      </p>
    </main>
  );
}
