import type { Metadata } from "next";
import { AdminShell } from "../admin-shell";
import { ActionForm } from "@/components/action-form";
import { Badge } from "@/components/badge";
import { Alert, Card } from "@/components/ui";
import { loginCodeSettings } from "@/lib/auth/login-codes";
import { requireAdmin } from "@/lib/web/guards";
import { saveLoginCodes } from "./actions";

export const metadata: Metadata = { title: "Login codes" };

export default async function LoginCodesPage({ params }: { params: Promise<{ tenant: string }> }) {
  const ctx = await requireAdmin((await params).tenant);
  const settings = await loginCodeSettings(ctx.tenant.id);
  const path = `/t/${ctx.tenant.slug}/admin/login-codes`;
  return (
    <AdminShell ctx={ctx} current={path}>
      <h1 className="text-2xl font-semibold">Login codes</h1>
      <p className="mt-1 text-slate-600">
        With login codes on, members enter a 6-digit code from their e-mail after their password. A
        code works for 10 minutes and 5 tries, and is never sent late.
      </p>
      <Card className="mt-6">
        <div className="flex flex-wrap items-center gap-2">
          <h2 className="font-medium">For every member</h2>
          <Badge tone={settings.loginCodes ? "ok" : "muted"}>
            {settings.loginCodes ? "On" : "Off"}
          </Badge>
        </div>
        <p className="mt-1 text-sm text-slate-700">
          Members without a working address cannot receive a code: the sign-in page tells them so at
          once and sends them to you for a one-time bypass code (from their member page).
        </p>
        <ActionForm
          className="mt-3"
          action={saveLoginCodes.bind(null, ctx.tenant.slug)}
          fields={{ on: settings.loginCodes ? "0" : "1" }}
          label={settings.loginCodes ? "Turn login codes off" : "Turn login codes on"}
          variant="primary"
        />
      </Card>
      {settings.loginCodesForAdmins && (
        <div className="mt-6">
          <Alert tone="info">
            The platform&apos;s operators require login codes for this organisation&apos;s
            administrators, whatever is chosen here.
          </Alert>
        </div>
      )}
    </AdminShell>
  );
}
