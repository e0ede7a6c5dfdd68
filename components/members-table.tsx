"use client";

import {
  createColumnHelper,
  flexRender,
  getCoreRowModel,
  useReactTable,
  type RowSelectionState,
} from "@tanstack/react-table";
import Link from "next/link";
import { useActionState, useMemo, useState } from "react";
import type { ActionState } from "@/lib/web/action-result";
import type { MemberRow } from "@/lib/members/list";
import { memberQueryString, type MemberQuery, type SortColumn } from "@/lib/members/list-query";
import { mailBadge, MAIL_BADGE_LEGEND } from "@/lib/members/mail-badge";
import { Badge } from "./badge";
import { FixAddressButton } from "./fix-address-button";
import { Alert, Button } from "./ui";

type Props = {
  rows: MemberRow[];
  total: number;
  query: MemberQuery;
  basePath: string;
  action: (prev: ActionState, formData: FormData) => Promise<ActionState>;
  /** The one-click fix of a stored typo. */
  fixAddress: (prev: ActionState, formData: FormData) => Promise<ActionState>;
};

const column = createColumnHelper<MemberRow>();
const when = (iso: string | null) => (iso ? iso.slice(0, 16).replace("T", " ") : "never");

const CONFIRM: Record<string, (n: number) => string> = {
  disable: (n) => `Disable ${n} member(s)? They are signed out and cannot sign in until enabled.`,
  delete: (n) =>
    `Delete ${n} member(s) for good? Their pending mail is cancelled. This cannot be undone.`,
};

/** The member table: server-side paging, sorting and filtering through the URL; selection for bulk actions. */
export function MembersTable({ rows, total, query, basePath, action, fixAddress }: Props) {
  const [selection, setSelection] = useState<RowSelectionState>({});
  const [state, formAction, pending] = useActionState(action, null);

  const sortable = (id: SortColumn, label: string) =>
    function Header() {
      return <SortHeader id={id} label={label} query={query} basePath={basePath} />;
    };

  const columns = useMemo(
    () => [
      column.display({
        id: "select",
        header: ({ table }) => (
          <input
            type="checkbox"
            aria-label="Select all on this page"
            className="size-4"
            checked={table.getIsAllRowsSelected()}
            onChange={table.getToggleAllRowsSelectedHandler()}
          />
        ),
        cell: ({ row }) => (
          <input
            type="checkbox"
            aria-label={`Select ${row.original.loginId}`}
            className="size-4"
            checked={row.getIsSelected()}
            onChange={row.getToggleSelectedHandler()}
          />
        ),
      }),
      column.accessor("loginId", {
        header: sortable("loginId", "Login ID"),
        cell: (c) => (
          <Link
            className="font-mono whitespace-nowrap text-brand-700 underline"
            href={`${basePath}/${c.row.original.id}`}
          >
            {c.getValue()}
          </Link>
        ),
      }),
      column.accessor("name", { header: sortable("name", "Name") }),
      column.accessor("email", {
        header: sortable("email", "E-mail"),
        cell: (c) => {
          const warning = c.row.original.addressWarning;
          return (
            <div className="flex flex-col items-start gap-1">
              <span className="break-all">{c.getValue() ?? "—"}</span>
              {warning && (
                <span title={warning.text} data-testid="address-warning">
                  <Badge tone={warning.code === "domain_not_found" ? "stop" : "warn"}>
                    {warning.label}
                  </Badge>
                </span>
              )}
              {warning?.suggestion && (
                <FixAddressButton
                  action={fixAddress}
                  memberId={c.row.original.id}
                  suggestion={warning.suggestion}
                />
              )}
            </div>
          );
        },
      }),
      column.accessor("status", { header: sortable("status", "Status") }),
      column.accessor("emailStatus", {
        header: sortable("emailStatus", "Mail"),
        cell: (c) => {
          const badge = mailBadge(c.getValue(), c.row.original.latestMail);
          return (
            <span title={badge.title}>
              <Badge tone={badge.tone}>{badge.label}</Badge>
            </span>
          );
        },
      }),
      column.accessor("lastLoginAt", {
        header: sortable("lastLoginAt", "Last sign-in"),
        cell: (c) => when(c.getValue()),
      }),
    ],
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [query, basePath, fixAddress],
  );

  // We do not run the React Compiler; TanStack's table instance is mutable by design.
  // eslint-disable-next-line react-hooks/incompatible-library
  const table = useReactTable({
    data: rows,
    columns,
    getRowId: (row) => row.id,
    state: { rowSelection: selection },
    onRowSelectionChange: setSelection,
    getCoreRowModel: getCoreRowModel(),
    manualSorting: true,
    manualPagination: true,
    manualFiltering: true,
  });
  const selectedIds = Object.keys(selection).filter((id) => selection[id]);
  const pages = Math.max(1, Math.ceil(total / query.size));

  return (
    <div className="flex flex-col gap-3">
      {state && <Alert tone={state.ok ? "info" : "error"}>{state.message}</Alert>}
      <form
        action={async (formData) => {
          formAction(formData);
          setSelection({});
        }}
        onSubmit={(event) => {
          const op =
            ((event.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null)?.value ?? "";
          const ask = CONFIRM[op];
          if (ask && !window.confirm(ask(selectedIds.length))) event.preventDefault();
        }}
        className="flex flex-wrap items-center gap-2"
      >
        <input type="hidden" name="ids" value={JSON.stringify(selectedIds)} />
        <span className="text-sm text-slate-600" aria-live="polite">
          {selectedIds.length} selected
        </span>
        {(
          [
            ["resend", "Resend invitation"],
            ["disable", "Disable"],
            ["enable", "Enable"],
            ["delete", "Delete"],
          ] as const
        ).map(([op, label]) => (
          <Button
            key={op}
            type="submit"
            name="op"
            value={op}
            variant="secondary"
            disabled={pending || selectedIds.length === 0}
          >
            {label}
          </Button>
        ))}
        {selectedIds.length > 0 ? (
          <Link
            href={`${basePath.replace(/\/members$/, "/messages/new")}?audience=selected&ids=${selectedIds.join(",")}`}
            className="inline-flex min-h-10 items-center rounded-md border border-slate-300 bg-white px-4 text-sm font-medium text-slate-800 hover:bg-slate-50"
          >
            Message selected
          </Link>
        ) : (
          <span
            aria-disabled="true"
            className="inline-flex min-h-10 cursor-not-allowed items-center rounded-md border border-slate-300 bg-white px-4 text-sm font-medium text-slate-800 opacity-60"
          >
            Message selected
          </span>
        )}
      </form>
      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
        <table className="w-full min-w-[44rem] text-left text-sm">
          <caption className="sr-only">
            Members, page {query.page} of {pages}
          </caption>
          <thead className="bg-slate-50 text-slate-600">
            {table.getHeaderGroups().map((group) => (
              <tr key={group.id}>
                {group.headers.map((header) => (
                  <th key={header.id} scope="col" className="px-3 py-2 font-medium">
                    {flexRender(header.column.columnDef.header, header.getContext())}
                  </th>
                ))}
              </tr>
            ))}
          </thead>
          <tbody className="divide-y divide-slate-100">
            {table.getRowModel().rows.map((row) => (
              <tr
                key={row.id}
                aria-selected={row.getIsSelected()}
                className="aria-selected:bg-sky-50"
              >
                {row.getVisibleCells().map((cell) => (
                  <td key={cell.id} className="px-3 py-2">
                    {flexRender(cell.column.columnDef.cell, cell.getContext())}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
        {rows.length === 0 && (
          <p className="p-4 text-sm text-slate-600">
            {total === 0 && !query.q && !query.status && !query.email && !query.never
              ? "No members yet. Add the first one."
              : "No member matches these filters."}
          </p>
        )}
      </div>
      <nav aria-label="Pages" className="flex items-center justify-between text-sm">
        <span className="text-slate-600">
          {total} member{total === 1 ? "" : "s"} · page {query.page} of {pages}
        </span>
        <span className="flex gap-2">
          {query.page > 1 && (
            <Link
              className="text-brand-700 underline"
              href={`${basePath}${memberQueryString({ ...query, page: query.page - 1 })}`}
            >
              Previous
            </Link>
          )}
          {query.page < pages && (
            <Link
              className="text-brand-700 underline"
              href={`${basePath}${memberQueryString({ ...query, page: query.page + 1 })}`}
            >
              Next
            </Link>
          )}
        </span>
      </nav>
      <details className="text-sm">
        <summary className="cursor-pointer text-brand-700">What the mail badges mean</summary>
        <dl className="mt-2 grid gap-2 sm:grid-cols-2">
          {MAIL_BADGE_LEGEND.map((b) => (
            <div key={b.label} className="flex flex-wrap items-baseline gap-2">
              <dt>
                <Badge tone={b.tone}>{b.label}</Badge>
              </dt>
              <dd className="text-slate-600">{b.title}</dd>
            </div>
          ))}
        </dl>
      </details>
    </div>
  );
}

function SortHeader(props: {
  id: SortColumn;
  label: string;
  query: MemberQuery;
  basePath: string;
}) {
  const { id, label, query, basePath } = props;
  const active = query.sort === id;
  const dir = active && query.dir === "asc" ? "desc" : "asc";
  return (
    <Link
      href={`${basePath}${memberQueryString({ ...query, sort: id, dir, page: 1 })}`}
      className="inline-flex items-center gap-1 hover:underline"
      scroll={false}
    >
      {label}
      <span aria-hidden>{active ? (query.dir === "asc" ? "▲" : "▼") : ""}</span>
      {active && (
        <span className="sr-only">{query.dir === "asc" ? "(ascending)" : "(descending)"}</span>
      )}
    </Link>
  );
}
