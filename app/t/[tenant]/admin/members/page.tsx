import type { Metadata } from "next";
import { AdminShell } from "../admin-shell";
import Link from "next/link";
import { FilterButton, FilterSelect } from "@/components/filter";
import { MembersTable } from "@/components/members-table";
import { requireAdmin } from "@/lib/web/guards";
import { listMembers } from "@/lib/members/list";
import { emailStatusLabel } from "@/lib/members/mail-badge";
import {
  EMAIL_STATUSES,
  memberQueryString,
  PAGE_SIZES,
  parseMemberQuery,
} from "@/lib/members/list-query";
import { bulkMembers } from "./actions";
import { fixAddress } from "./[id]/actions";
import { cleanParams, CONTROL_QUERY_MESSAGE } from "@/lib/input/control";
import { Alert } from "@/components/ui";

export const metadata: Metadata = { title: "Members" };

type Props = {
  params: Promise<{ tenant: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
};

export default async function MembersPage({ params, searchParams }: Props) {
  const { actor, tenant } = await requireAdmin((await params).tenant);
  const { params: raw, dirty } = cleanParams(await searchParams);
  const parsed = parseMemberQuery(raw);
  const { rows, total, page } = await listMembers(tenant.id, parsed);
  const query = { ...parsed, page };
  const basePath = `/t/${tenant.slug}/admin/members`;
  return (
    <AdminShell ctx={{ actor, tenant }} current={basePath}>
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h1 className="text-2xl font-semibold">Members</h1>
        <div className="flex flex-wrap gap-4">
          <Link className="text-brand-700 underline" href={`${basePath}/new`}>
            Add a member
          </Link>
          <Link className="text-brand-700 underline" href={`${basePath}/import`}>
            Import from a file
          </Link>
          <Link
            className="text-brand-700 underline"
            href={`/t/${tenant.slug}/admin/messages/new?audience=filter${memberQueryString({ ...query, page: 1, sort: undefined, size: undefined }).replace(/^\?/, "&")}`}
          >
            Message everyone shown
          </Link>
        </div>
      </div>
      {/* A plain GET form: the filters live in the URL, so a view can be bookmarked and shared. */}
      <form method="get" className="mt-4 flex flex-wrap items-end gap-3" role="search">
        <label className="flex flex-col gap-1 text-sm">
          <span className="font-medium text-slate-700">Search</span>
          <input
            name="q"
            type="search"
            defaultValue={query.q}
            placeholder="Login ID, name or address"
            className="min-h-10 w-64 rounded-md border border-slate-300 px-3"
          />
        </label>
        <FilterSelect
          label="Status"
          name="status"
          defaultValue={query.status}
          choices={[
            ["", "All"],
            ["active", "Active"],
            ["invited", "Invited"],
            ["disabled", "Disabled"],
          ]}
        />
        <FilterSelect
          label="Mail"
          name="email"
          defaultValue={query.email}
          choices={[["", "All"], ...EMAIL_STATUSES.map((s) => [s, emailStatusLabel(s)] as const)]}
        />
        <label className="flex min-h-10 items-center gap-2 text-sm">
          <input
            type="checkbox"
            name="never"
            value="1"
            defaultChecked={query.never}
            className="size-4"
          />
          Never signed in
        </label>
        <FilterSelect
          label="Per page"
          name="size"
          defaultValue={String(query.size)}
          choices={PAGE_SIZES.map((n) => [String(n), String(n)] as const)}
        />
        {query.sort && <input type="hidden" name="sort" value={query.sort} />}
        {query.sort && <input type="hidden" name="dir" value={query.dir} />}
        <FilterButton>Apply</FilterButton>
        <Link href={basePath} className="min-h-10 content-center text-sm text-brand-700 underline">
          Clear
        </Link>
      </form>
      <p className="mt-2 text-sm text-slate-600">
        Download these members (with the filters above):{" "}
        <a
          className="text-brand-700 underline"
          href={`${basePath}/export${memberQueryString({ ...query, page: 1 })}`}
          download
        >
          .xlsx
        </a>{" "}
        ·{" "}
        <a
          className="text-brand-700 underline"
          href={`${basePath}/export${memberQueryString({ ...query, page: 1 }) || "?"}${memberQueryString({ ...query, page: 1 }) ? "&" : ""}format=csv`}
          download
        >
          CSV
        </a>
      </p>
      {dirty.length > 0 && (
        <div className="mt-4">
          <Alert tone="info">{CONTROL_QUERY_MESSAGE}</Alert>
        </div>
      )}
      <div className="mt-4">
        <MembersTable
          rows={rows}
          total={total}
          query={query}
          basePath={basePath}
          action={bulkMembers.bind(null, tenant.slug)}
          fixAddress={fixAddress.bind(null, tenant.slug)}
        />
      </div>
    </AdminShell>
  );
}
