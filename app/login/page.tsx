import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { LoginForm } from "@/components/login-form";
import { Card } from "@/components/ui";
import { currentActor } from "@/lib/web/session";
import { operatorLogin } from "./actions";
import { cleanParams } from "@/lib/input/control";

export const metadata: Metadata = { title: "Operator sign-in" };

export default async function OperatorLoginPage({
  searchParams,
}: {
  searchParams: Promise<{ next?: string | string[] }>;
}) {
  const actor = await currentActor();
  if (actor?.role === "operator") redirect("/ops");
  const { next } = cleanParams(await searchParams).params;
  return (
    <main className="mx-auto flex min-h-dvh max-w-sm flex-col justify-center gap-4 p-6">
      <div>
        <p className="text-sm font-semibold text-brand-700">Sendwell</p>
        <h1 className="text-2xl font-semibold">Operator sign-in</h1>
        <p className="mt-1 text-sm text-slate-600">
          For the people who run the platform. Members sign in at their organisation&apos;s page.
        </p>
      </div>
      <Card>
        <LoginForm action={operatorLogin} next={typeof next === "string" ? next : undefined} />
      </Card>
    </main>
  );
}
