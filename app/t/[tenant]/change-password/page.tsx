import type { Metadata } from "next";
import Link from "next/link";
import { ActivationForm } from "@/components/activation-form";
import { Card } from "@/components/ui";
import { requirePasswordChanger } from "@/lib/web/guards";
import { changePassword } from "./actions";

export const metadata: Metadata = { title: "Choose your password" };

export default async function ChangePasswordPage({
  params,
}: {
  params: Promise<{ tenant: string }>;
}) {
  const { actor, tenant } = await requirePasswordChanger((await params).tenant);
  return (
    <main className="mx-auto flex min-h-dvh max-w-sm flex-col justify-center gap-4 p-6">
      <div>
        <p className="text-sm font-semibold text-brand-700">Sendwell</p>
        <h1 className="text-2xl font-semibold">Choose your password</h1>
        <p className="mt-1 text-sm text-slate-600">
          {actor.mustChangePassword
            ? "You signed in with a temporary password. Choose your own before you go on."
            : `Change the password of ${actor.loginId}.`}
        </p>
      </div>
      {!actor.mustChangePassword && (
        <p className="text-sm">
          <Link className="text-brand-700 underline" href={`/t/${tenant.slug}`}>
            ← Back to my page
          </Link>
          {actor.role === "admin" && (
            <>
              {" · "}
              <Link className="text-brand-700 underline" href={`/t/${tenant.slug}/admin`}>
                Administration
              </Link>
            </>
          )}
        </p>
      )}
      <Card>
        <ActivationForm
          withCode={false}
          withCurrent
          submitLabel="Save and sign in again"
          action={changePassword.bind(null, tenant.slug)}
        />
      </Card>
    </main>
  );
}
