"use client";

import {
  createColumnHelper,
  flexRender,
  getCoreRowModel,
  useReactTable,
  type RowSelectionState,
} from "@tanstack/react-table";
import Link from "next/link";
import { useActionState, useMemo, useState, useTransition } from "react";
import type { ActionState } from "@/lib/web/action-result";
import type { MemberRow } from "@/lib/members/list";
import { memberQueryString, type MemberQuery, type SortColumn } from "@/lib/members/list-query";
import { mailBadge, MAIL_BADGE_LEGEND } from "@/lib/members/mail-badge";
import { MEMBER_STATUS } from "@/lib/members/status-badge";
import { Badge } from "./badge";
import { useConfirm, type ConfirmRequest } from "./confirm-dialog";
import { FixAddressButton } from "./fix-address-button";
import { Alert, Button, stacked } from "./ui";

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

const members = (n: number) => `${n} member${n === 1 ? "" : "s"}`;
const CONFIRM: Record<string, (n: number) => ConfirmRequest> = {
  disable: (n) => ({
    title: `Disable ${members(n)}?`,
    description: "They are signed out at once and cannot sign in until you enable them again.",
    confirmLabel: `Disable ${members(n)}`,
    destructive: true,
  }),
  delete: (n) => ({
    title: `Delete ${members(n)} for good?`,
    description:
      "Their accounts go, and mail still waiting for them is cancelled. Mail already sent stays on record. This cannot be undone.",
    confirmLabel: `Delete ${members(n)}`,
    destructive: true,
  }),
};

/** The member table: server-side paging, sorting and filtering through the URL; selection for bulk actions. */
export function MembersTable({ rows, total, query, basePath, action, fixAddress }: Props) {
  const [selection, setSelection] = useState<RowSelectionState>({});
  const [state, formAction, pending] = useActionState(action, null);
  const { ask, dialog } = useConfirm();
  const [, startTransition] = useTransition();
  const submit = (formData: FormData) => {
    formAction(formData);
    setSelection({});
  };

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
        meta: { label: "Login ID" },
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
      column.accessor("name", {
        meta: { label: "Name" },
        header: sortable("name", "Name"),
      }),
      column.accessor("email", {
        meta: { label: "E-mail" },
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
      column.accessor("status", {
        meta: { label: "Status" },
        header: sortable("status", "Status"),
        cell: (c) => {
          const status = MEMBER_STATUS[c.getValue()];
          return (
            <span title={status.title}>
              <Badge tone={status.tone}>{status.label}</Badge>
            </span>
          );
        },
      }),
      column.accessor("emailStatus", {
        meta: { label: "Mail" },
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
        meta: { label: "Last sign-in" },
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
      {dialog}
      <form
        action={submit}
        onSubmit={async (event) => {
          const submitter = (event.nativeEvent as SubmitEvent)
            .submitter as HTMLButtonElement | null;
          const question = CONFIRM[submitter?.value ?? ""];
          if (!question) return;
          event.preventDefault();
          const form = event.currentTarget;
          if (await ask(question(selectedIds.length))) {
            const formData = new FormData(form, submitter);
            startTransition(() => submit(formData));
          }
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
      {/* From `sm` up a table; on a phone one labelled card per member (nothing scrolls sideways). */}
      <div className="rounded-lg border border-slate-200 bg-white sm:overflow-x-auto">
        <table className={`${stacked.table} sm:min-w-[44rem]`}>
          <caption className="sr-only">
            Members, page {query.page} of {pages}
          </caption>
          <thead className={`bg-slate-50 ${stacked.head}`}>
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
          <tbody className={stacked.body}>
            {table.getRowModel().rows.map((row) => (
              <tr
                key={row.id}
                aria-selected={row.getIsSelected()}
                className={`aria-selected:bg-sky-50 ${stacked.row} max-sm:px-3`}
              >
                {row.getVisibleCells().map((cell) => (
                  <td
                    key={cell.id}
                    className={`px-3 ${stacked.cell} max-sm:px-0`}
                    data-label={
                      (cell.column.columnDef.meta as { label?: string } | undefined)?.label
                        ? `${(cell.column.columnDef.meta as { label: string }).label}: `
                        : undefined
                    }
                  >
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
        <summary className="cursor-pointer text-brand-700">What the badges mean</summary>
        <h3 className="mt-2 font-medium">Status</h3>
        <dl className="mt-1 grid gap-2 sm:grid-cols-2">
          {Object.values(MEMBER_STATUS).map((b) => (
            <div key={b.label} className="flex flex-wrap items-baseline gap-2">
              <dt>
                <Badge tone={b.tone}>{b.label}</Badge>
              </dt>
              <dd className="text-slate-600">{b.title}</dd>
            </div>
          ))}
        </dl>
        <h3 className="mt-3 font-medium">Mail</h3>
        <dl className="mt-1 grid gap-2 sm:grid-cols-2">
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
