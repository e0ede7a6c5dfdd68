import type { Metadata } from "next";
import { connection } from "next/server";
import { Toaster } from "@/components/toaster";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Sendwell", template: "%s · Sendwell" },
  description: "Member dashboard and guarded mail for a multi-tenant learning platform.",
};

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // Every page is rendered per request, so Next.js can put this response's CSP nonce (proxy.ts)
  // on its scripts; a page prerendered at build time would carry none and its scripts would not run.
  await connection();
  return (
    <html lang="en">
      <body className="min-h-dvh bg-slate-50 text-slate-900 antialiased">
        {children}
        <Toaster />
      </body>
    </html>
  );
}
