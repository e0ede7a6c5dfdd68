import type { Metadata } from "next";
import { Badge } from "@/components/badge";
import { EVENT_TYPES, latestEvents } from "@/lib/health/operator";
import { listTenantsWithCounts } from "@/lib/tenants/tenants";
import { requireOperator } from "@/lib/web/guards";
import { FilterButton, FilterSelect } from "@/components/filter";
import { OperatorShell } from "../operator-shell";
import { cleanParams } from "@/lib/input/control";

export const metadata: Metadata = { title: "SES events" };

export default async function EventsPage({
  searchParams,
}: {
  searchParams: Promise<{ tenant?: string; type?: string }>;
}) {
  const actor = await requireOperator();
  const query = cleanParams(await searchParams).params;
  const tenant = typeof query.tenant === "string" ? query.tenant.slice(0, 64) : "";
  const type = (EVENT_TYPES as readonly string[]).includes(query.type ?? "") ? query.type! : "";
  const [tenants, events] = await Promise.all([
    listTenantsWithCounts(),
    latestEvents({ tenant: tenant || undefined, type: type || undefined }, 100),
  ]);
  return (
    <OperatorShell actor={actor} current="/ops/events">
      <h1 className="text-2xl font-semibold">SES events</h1>
      <p className="mt-1 text-slate-600">The latest 100 events SES sent back, newest first.</p>
      <form method="get" className="mt-4 flex flex-wrap items-end gap-3">
        <FilterSelect
          label="Tenant"
          name="tenant"
          defaultValue={tenant}
          choices={[
            ["", "All"],
            ["none", "Mail that is not ours"],
            ...tenants.map((t) => [t.slug, t.name] as const),
          ]}
        />
        <FilterSelect
          label="Type"
          name="type"
          defaultValue={type}
          choices={[["", "All"], ...EVENT_TYPES.map((t) => [t, t] as const)]}
        />
        <FilterButton />
      </form>
      {events.length === 0 ? (
        <p className="mt-6 text-sm text-slate-600">No events yet.</p>
      ) : (
        <div className="mt-4 overflow-x-auto rounded-lg border border-slate-200 bg-white">
          <table className="w-full min-w-[40rem] text-left text-sm" data-testid="events">
            <thead className="bg-slate-50 text-slate-600">
              <tr>
                <th className="px-3 py-2 font-medium">Received (UTC)</th>
                <th className="px-3 py-2 font-medium">Event</th>
                <th className="px-3 py-2 font-medium">Tenant</th>
                <th className="px-3 py-2 font-medium">Recipients</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 align-top">
              {events.map((e) => (
                <tr key={e.id}>
                  <td className="px-3 py-2 whitespace-nowrap">{e.receivedAt}</td>
                  <td className="px-3 py-2">
                    <Badge
                      tone={
                        e.eventType === "Bounce" || e.eventType === "Complaint"
                          ? "stop"
                          : e.eventType === "Delivery"
                            ? "ok"
                            : "muted"
                      }
                    >
                      {e.eventType}
                      {e.bounceType
                        ? ` · ${e.bounceType}${e.bounceSubType ? ` / ${e.bounceSubType}` : ""}`
                        : ""}
                    </Badge>
                  </td>
                  <td className="px-3 py-2">
                    {e.parked
                      ? "parked: see Sending"
                      : !e.applied
                        ? "waiting to be applied"
                        : (e.tenantName ?? (e.ours ? "—" : "not ours"))}
                    {e.duplicates > 0 && (
                      <span className="block text-xs text-slate-600">
                        arrived {e.duplicates + 1} times, counted once
                      </span>
                    )}
                  </td>
                  <td className="px-3 py-2 break-all">{e.recipients.join(", ")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </OperatorShell>
  );
}
