import Link from "next/link";

export default function NotFound() {
  return (
    <main className="mx-auto flex min-h-dvh max-w-md flex-col justify-center gap-3 p-6 text-center">
      <p className="text-sm font-medium text-brand-700">404</p>
      <h1 className="text-2xl font-semibold">This page does not exist</h1>
      <p className="text-slate-600">
        Check the address, or ask your administrator for your organisation&apos;s sign-in link.
      </p>
      <Link href="/" className="text-brand-700 underline">
        Go to the start page
      </Link>
    </main>
  );
}
