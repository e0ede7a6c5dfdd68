import type { Metadata } from "next";
import Link from "next/link";
import { AdminShell } from "../../admin-shell";
import { ImportUploadForm } from "@/components/import/upload-form";
import { Alert, Card } from "@/components/ui";
import { requireAdmin } from "@/lib/web/guards";
import { recentImports } from "@/lib/members/import/records";
import { uploadLimits } from "@/lib/members/import/upload";

export const metadata: Metadata = { title: "Import members" };

type Props = {
  params: Promise<{ tenant: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
};

const STATUS = { previewed: "Not committed", committed: "Committed", discarded: "Discarded" };

export default async function ImportPage({ params, searchParams }: Props) {
  const { actor, tenant } = await requireAdmin((await params).tenant);
  const discarded = (await searchParams).discarded === "1";
  const base = `/t/${tenant.slug}/admin/members/import`;
  const { maxBytes, maxRows } = uploadLimits();
  const imports = await recentImports(tenant.id);
  return (
    <AdminShell ctx={{ actor, tenant }} current={`/t/${tenant.slug}/admin/members/import`}>
      <h1 className="text-2xl font-semibold">Import members</h1>
      <p className="mt-1 max-w-prose text-slate-600">
        Register many members from a file. Every row and every address is checked before anything is
        added; members with an address get an invitation, members without one an activation code.
      </p>
      <p className="mt-2 max-w-prose text-sm text-slate-600" data-testid="templates">
        Start from a template with the columns we read: in English (
        <a className="text-brand-700 underline" href={`${base}/template?format=xlsx&lang=en`}>
          .xlsx
        </a>
        ,{" "}
        <a className="text-brand-700 underline" href={`${base}/template?format=csv&lang=en`}>
          CSV
        </a>
        ) or in Japanese (
        <a className="text-brand-700 underline" href={`${base}/template?format=xlsx&lang=ja`}>
          .xlsx
        </a>
        ,{" "}
        <a className="text-brand-700 underline" href={`${base}/template?format=csv&lang=ja`}>
          CSV
        </a>
        ).
      </p>
      <p className="mt-2 max-w-prose text-sm text-slate-600">
        Try it:{" "}
        <a
          className="text-brand-700 underline"
          href="/samples/members-with-dead-addresses.csv"
          download
        >
          a sample file of 300 members
        </a>
        , a quarter of them at a domain where no mailbox exists. Upload it and commit: the first
        invitations bounce, bulk mail pauses before the rest go out, and Send health shows why and
        lets you resume.
      </p>
      {discarded && (
        <div className="mt-4">
          <Alert tone="info">The import was discarded. Nothing was added.</Alert>
        </div>
      )}
      <Card className="mt-6 max-w-2xl">
        <ImportUploadForm
          uploadUrl={`${base}/upload`}
          previewBase={base}
          maxBytes={maxBytes}
          maxRows={maxRows}
        />
      </Card>
      <h2 className="mt-8 text-lg font-semibold">Recent imports</h2>
      {imports.length === 0 ? (
        <p className="mt-2 text-sm text-slate-600">No imports yet.</p>
      ) : (
        <div className="mt-2 overflow-x-auto">
          <table className="min-w-full text-left text-sm">
            <thead>
              <tr className="border-b border-slate-200 text-slate-600">
                <th className="py-2 pr-4 font-medium">File</th>
                <th className="py-2 pr-4 font-medium">Checked</th>
                <th className="py-2 pr-4 font-medium">Rows</th>
                <th className="py-2 pr-4 font-medium">Errors</th>
                <th className="py-2 pr-4 font-medium">Status</th>
              </tr>
            </thead>
            <tbody>
              {imports.map((item) => (
                <tr key={item.id} className="border-b border-slate-100">
                  <td className="py-2 pr-4">
                    <Link className="text-brand-700 underline" href={`${base}/${item.id}`}>
                      {item.fileName}
                    </Link>
                  </td>
                  <td className="py-2 pr-4 whitespace-nowrap">
                    {item.createdAt.toISOString().slice(0, 16).replace("T", " ")} UTC
                  </td>
                  <td className="py-2 pr-4 tabular-nums">{item.rowCount.toLocaleString("en")}</td>
                  <td className="py-2 pr-4 tabular-nums">
                    {item.summary.error.toLocaleString("en")}
                  </td>
                  <td className="py-2 pr-4">{STATUS[item.status]}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </AdminShell>
  );
}
