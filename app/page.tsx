import Link from "next/link";
import { Card } from "@/components/ui";

export default function LandingPage() {
  return (
    <main className="mx-auto flex min-h-dvh max-w-xl flex-col justify-center gap-6 p-6">
      <div>
        <h1 className="text-3xl font-semibold tracking-tight">Sendwell</h1>
        <p className="mt-2 text-slate-600">
          Members, messages and mail that always arrives — for every organisation on the learning
          platform.
        </p>
      </div>
      <Card>
        <h2 className="font-medium">Members and administrators</h2>
        <p className="mt-1 text-sm text-slate-600">
          Sign in at your organisation&apos;s own address, for example{" "}
          <code className="rounded bg-slate-100 px-1">/t/your-organisation/login</code>. Your
          administrator can tell you which one is yours.
        </p>
      </Card>
      <Card>
        <h2 className="font-medium">Platform operators</h2>
        <p className="mt-1 text-sm text-slate-600">
          <Link className="font-medium text-brand-700 underline" href="/login">
            Operator sign-in
          </Link>
        </p>
      </Card>
    </main>
  );
}
