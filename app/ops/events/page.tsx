import type { Metadata } from "next";
import { Badge } from "@/components/badge";
import { EVENT_TYPES, latestEvents } from "@/lib/health/operator";
import { listTenantsWithCounts } from "@/lib/tenants/tenants";
import { requireOperator } from "@/lib/web/guards";
import { OperatorShell } from "../operator-shell";
import { cleanParams } from "@/lib/input/control";

export const metadata: Metadata = { title: "SES events" };

const select = "min-h-10 rounded-md border border-slate-300 bg-white px-2 text-sm";

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
        <label className="flex flex-col gap-1 text-sm">
          <span className="font-medium text-slate-700">Tenant</span>
          <select name="tenant" defaultValue={tenant} className={select}>
            <option value="">All</option>
            <option value="none">Mail that is not ours</option>
            {tenants.map((t) => (
              <option key={t.id} value={t.slug}>
                {t.name}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col gap-1 text-sm">
          <span className="font-medium text-slate-700">Type</span>
          <select name="type" defaultValue={type} className={select}>
            <option value="">All</option>
            {EVENT_TYPES.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
        <button
          type="submit"
          className="min-h-10 rounded-md bg-brand-600 px-4 text-sm font-medium text-white"
        >
          Show
        </button>
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
