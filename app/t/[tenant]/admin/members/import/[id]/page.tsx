import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { AdminShell } from "../../../admin-shell";
import { ActionForm } from "@/components/action-form";
import { CommitPanel, ReissueCodes } from "@/components/import/commit-panel";
import { Alert, Card, Stat } from "@/components/ui";
import { requireAdmin } from "@/lib/web/guards";
import {
  findImport,
  previewPage,
  suggestionOf,
  type RowFilter,
} from "@/lib/members/import/records";
import { applyAllSuggestions, applySuggestion, changeMode, discard, recheck } from "./actions";
import { cleanParams } from "@/lib/input/control";
import { ENCODING_LABEL, GUESSED_ENCODINGS, type CsvEncoding } from "@/lib/members/import/decode";
import { env } from "@/lib/env";

export const metadata: Metadata = { title: "Import preview" };

type Props = {
  params: Promise<{ tenant: string; id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
};

const FILTERS: { value: RowFilter; label: string }[] = [
  { value: "all", label: "All rows" },
  { value: "error", label: "Errors" },
  { value: "warning", label: "Warnings" },
  { value: "ok", label: "OK" },
  { value: "fixable", label: "Suggested fixes" },
];

const OUTCOME = {
  ok: { label: "OK", className: "bg-emerald-50 text-emerald-800" },
  warning: { label: "Warning", className: "bg-amber-50 text-amber-900" },
  error: { label: "Error", className: "bg-red-50 text-red-800" },
} as const;

const n = (value: number) => value.toLocaleString("en");

/** A cell: a table cell from `sm` up; on a phone a labelled line of the row's card. */
const cell =
  "py-2 pr-3 max-sm:block max-sm:py-0.5 max-sm:before:text-slate-500 max-sm:before:content-[attr(data-label)]";

export default async function ImportPreviewPage({ params, searchParams }: Props) {
  const { tenant: slug, id } = await params;
  const { actor, tenant } = await requireAdmin(slug);
  const record = await findImport(tenant.id, id);
  if (!record) notFound();
  const query = cleanParams(await searchParams).params;
  const filter = FILTERS.some((f) => f.value === query.show) ? (query.show as RowFilter) : "all";
  const requestedPage = Number(query.page);
  const page = await previewPage(
    tenant.id,
    id,
    filter,
    Number.isInteger(requestedPage) ? requestedPage : 1,
  );
  const base = `/t/${tenant.slug}/admin/members/import/${id}`;
  const href = (show: RowFilter, pageNo = 1) =>
    `${base}?show=${show}${pageNo > 1 ? `&page=${pageNo}` : ""}`;
  const { summary } = record;
  const open = record.status === "previewed";
  const accepted = summary.ok + summary.warning;
  const retentionDays = env().IMPORT_RETENTION_DAYS;
  const known = page.encoding && page.encoding in ENCODING_LABEL;
  const encoding = known ? ENCODING_LABEL[page.encoding as CsvEncoding] : null;
  const guessed = known && GUESSED_ENCODINGS.includes(page.encoding as CsvEncoding);

  return (
    <AdminShell ctx={{ actor, tenant }} current={`/t/${tenant.slug}/admin/members/import`}>
      <p className="text-sm">
        <Link className="text-brand-700 underline" href={`/t/${tenant.slug}/admin/members/import`}>
          ← Imports
        </Link>
      </p>
      <h1 className="mt-2 text-2xl font-semibold break-all">{record.fileName}</h1>
      <p className="mt-1 text-sm text-slate-600">
        {record.format.toUpperCase()}
        {encoding ? ` read as ${encoding}` : ""} · {n(record.rowCount)} rows ·{" "}
        {record.mode === "create_only" ? "Create only" : "Create and update"} ·{" "}
        {record.status === "committed"
          ? `Committed ${record.committedAt?.toISOString().slice(0, 16).replace("T", " ")} UTC`
          : record.status === "discarded"
            ? "Discarded"
            : "Not committed yet: nothing has been added"}
      </p>

      {record.sameFileCommittedAt && open && (
        <div className="mt-4">
          <Alert tone="info">
            This same file was already imported on{" "}
            {record.sameFileCommittedAt.toISOString().slice(0, 10)}. Check that you mean to import
            it again.
          </Alert>
        </div>
      )}

      {guessed && open && (
        <div className="mt-4" data-testid="encoding-guessed">
          <Alert tone="info">
            This file is not UTF-8, so it was read as {encoding}. If names below look garbled, save
            it from Excel as &ldquo;CSV UTF-8&rdquo; and upload it again.
          </Alert>
        </div>
      )}

      {page.cleanedLines.length > 0 && (
        <div className="mt-4">
          <Alert tone="info">
            Invisible control characters (such as NUL bytes) were removed from{" "}
            {page.cleanedLines.length === 1 ? "row" : "rows"}{" "}
            {page.cleanedLines.slice(0, 10).join(", ")}
            {page.cleanedLines.length > 10
              ? ` and ${n(page.cleanedLines.length - 10)} more`
              : ""}{" "}
            as the file was read. Check those rows below.
          </Alert>
        </div>
      )}

      <dl className="mt-6 grid grid-cols-2 gap-3 sm:grid-cols-4" data-testid="import-summary">
        <Stat label="Rows" value={n(summary.total)} />
        <Stat label="OK" value={n(summary.ok)} />
        <Stat label="Warnings (imported)" value={n(summary.warning)} />
        <Stat label="Errors (not imported)" value={n(summary.error)} />
      </dl>

      {open && (
        <Card className="mt-4">
          <div className="flex flex-wrap items-start gap-3">
            {page.fixable > 0 && (
              <ActionForm
                action={applyAllSuggestions.bind(null, tenant.slug)}
                fields={{ id }}
                label={
                  page.fixable === 1
                    ? "Apply the suggested fix"
                    : `Apply all ${n(page.fixable)} suggested fixes`
                }
                pendingLabel="Applying…"
              />
            )}
            <ActionForm
              action={changeMode.bind(null, tenant.slug)}
              fields={{ id }}
              label="Check again in this mode"
              pendingLabel="Checking…"
              className="flex flex-wrap items-center gap-2"
            >
              <label className="text-sm" htmlFor="import-mode">
                Existing members:
              </label>
              <select
                id="import-mode"
                name="mode"
                defaultValue={record.mode}
                className="min-h-10 rounded-md border border-slate-300 bg-white px-2 text-sm"
              >
                <option value="create_only">Create only</option>
                <option value="create_and_update">Create and update</option>
              </select>
            </ActionForm>
            <ActionForm
              action={recheck.bind(null, tenant.slug)}
              fields={{ id }}
              label="Check again"
              pendingLabel="Checking…"
            />
            <ActionForm
              action={discard.bind(null, tenant.slug)}
              fields={{ id }}
              label="Discard"
              pendingLabel="Discarding…"
              confirm={{
                title: "Discard this import?",
                description:
                  "Nothing from it has been added to your members. The preview goes; you can upload the file again.",
                confirmLabel: "Discard the import",
                destructive: true,
              }}
            />
          </div>
        </Card>
      )}

      {/* Always here, committed or not: after the commit the page refreshes around it, and the
          activation codes it holds stay on screen. */}
      <CommitPanel
        commitUrl={`${base}/commit`}
        membersUrl={`/t/${tenant.slug}/admin/members`}
        committed={!open}
        accepted={accepted}
        errors={summary.error}
        unappliedSuggestions={page.fixableAccepted}
        committedNote={
          record.status === "committed" &&
          record.result && (
            <Alert tone="info">
              Committed: {n(record.result.created)} added, {n(record.result.updated)} updated,{" "}
              {n(record.result.invitations)} invitations queued, {n(record.result.activationCodes)}{" "}
              activation codes issued (shown once, at commit), {n(record.result.skipped)} rows not
              imported.
            </Alert>
          )
        }
      />

      {record.status === "committed" && record.result && (
        <div className="mt-6 flex flex-col gap-4 empty:hidden">
          {record.result.rowsDroppedAt && (
            <Alert tone="info">
              The file&apos;s rows were deleted on {record.result.rowsDroppedAt.slice(0, 10)}, as
              the retention rule says for imports committed more than {retentionDays} days ago. The
              members it added are in the member list.
            </Alert>
          )}
          {record.result.activationCodes > 0 && !record.result.rowsDroppedAt && (
            <Card>
              <ReissueCodes codesUrl={`${base}/codes`} count={record.result.activationCodes} />
            </Card>
          )}
        </div>
      )}

      <div className="mt-8 flex flex-wrap items-baseline justify-between gap-3">
        <nav aria-label="Rows to show" className="flex flex-wrap gap-2">
          {FILTERS.map((f) => (
            <Link
              key={f.value}
              href={href(f.value)}
              aria-current={filter === f.value ? "page" : undefined}
              className={`rounded-full border px-3 py-1 text-sm ${
                filter === f.value
                  ? "border-brand-600 bg-brand-600 text-white"
                  : "border-slate-300 bg-white text-slate-800"
              }`}
            >
              {f.label}
            </Link>
          ))}
        </nav>
        {record.status !== "discarded" &&
          !record.result?.rowsDroppedAt &&
          summary.error + summary.warning > 0 && (
            <a className="text-brand-700 text-sm underline" href={`${base}/report`} download>
              Download the rows to check (.xlsx)
            </a>
          )}
      </div>

      {page.total === 0 ? (
        <p className="mt-4 text-sm text-slate-600">No rows here.</p>
      ) : (
        // On a phone each row stacks into a small card, labelled; from `sm` up it is a table.
        <div className="mt-3 overflow-x-auto">
          <table className="min-w-full text-left text-sm max-sm:block" data-testid="import-rows">
            <thead className="max-sm:hidden">
              <tr className="border-b border-slate-200 text-slate-600">
                <th className="py-2 pr-3 font-medium">Row</th>
                <th className="py-2 pr-3 font-medium">Login ID</th>
                <th className="py-2 pr-3 font-medium">Name</th>
                <th className="py-2 pr-3 font-medium">E-mail</th>
                <th className="py-2 pr-3 font-medium">Outcome</th>
                <th className="py-2 pr-3 font-medium">Why, and what to do</th>
              </tr>
            </thead>
            <tbody className="max-sm:block">
              {page.rows.map((row) => {
                const suggestion = suggestionOf(row);
                return (
                  <tr
                    key={row.line}
                    className="border-b border-slate-100 align-top max-sm:block max-sm:py-2"
                  >
                    <td className={`${cell} tabular-nums`} data-label="Row ">
                      {row.line}
                    </td>
                    {/* Long values wrap, at most a few lines; the whole value is in the title. */}
                    <td className={`${cell} max-w-[12rem] break-all`} data-label="Login ID ">
                      <span className="line-clamp-3" title={row.loginId}>
                        {row.loginId || "—"}
                      </span>
                    </td>
                    <td className={`${cell} max-w-[14rem] break-all`} data-label="Name ">
                      <span className="line-clamp-3" title={row.name}>
                        {row.name}
                      </span>
                    </td>
                    <td className={`${cell} max-w-[16rem] break-all`} data-label="E-mail ">
                      {row.rawEmail || <span className="text-slate-500">none (code)</span>}
                      {row.fixed && <span className="text-xs text-emerald-700"> (fixed)</span>}
                    </td>
                    <td className={cell}>
                      <span
                        className={`rounded px-2 py-0.5 text-xs font-medium ${OUTCOME[row.status].className}`}
                      >
                        {OUTCOME[row.status].label}
                      </span>
                    </td>
                    <td className="py-2 pr-3 [overflow-wrap:anywhere] max-sm:block max-sm:py-1">
                      <ul className="flex flex-col gap-1">
                        {row.problems.map((problem) => (
                          <li key={problem.code} className="line-clamp-4" title={problem.message}>
                            {problem.message}
                          </li>
                        ))}
                      </ul>
                      {open && suggestion && (
                        <ActionForm
                          action={applySuggestion.bind(null, tenant.slug)}
                          fields={{ id, line: row.line }}
                          label={`Use ${suggestion}`}
                          pendingLabel="Applying…"
                          className="mt-1"
                          buttonClassName="min-h-8 px-2 text-xs"
                          aria-label={`Row ${row.line}: use ${suggestion}`}
                        />
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}

      {page.pages > 1 && (
        <nav aria-label="Pages" className="mt-4 flex flex-wrap items-center gap-3 text-sm">
          {page.page > 1 && (
            <Link className="text-brand-700 underline" href={href(filter, page.page - 1)}>
              ← Previous
            </Link>
          )}
          <span>
            Page {page.page} of {n(page.pages)} ({n(page.total)} rows)
          </span>
          {page.page < page.pages && (
            <Link className="text-brand-700 underline" href={href(filter, page.page + 1)}>
              Next →
            </Link>
          )}
        </nav>
      )}
    </AdminShell>
  );
}
