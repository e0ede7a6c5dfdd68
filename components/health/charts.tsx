"use client";

import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { rateScale } from "@/lib/health/rate-scale";

type MailPoint = {
  at: string;
  sent: number;
  delivered: number;
  bounced: number;
  complained: number;
};

const COLORS = { sent: "#64748b", delivered: "#0f766e", bounced: "#b91c1c", complained: "#b45309" };

/** Sent, delivered, bounced and complained per day or per hour (Recharts, as shadcn/ui's charts). */
export function MailChart({
  data,
  unit,
  label,
}: {
  data: MailPoint[];
  unit: "day" | "hour";
  label: string;
}) {
  const tick = (at: string) => (unit === "day" ? at.slice(5) : at.slice(11, 16));
  const empty = data.every((d) => d.sent + d.delivered + d.bounced + d.complained === 0);
  return (
    <figure aria-label={label} className="w-full">
      {empty && <p className="mb-1 text-sm text-slate-600">No mail in this period.</p>}
      <div className="h-64 w-full">
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: -16 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="at" tickFormatter={tick} fontSize={11} minTickGap={16} />
            <YAxis allowDecimals={false} fontSize={11} />
            <Tooltip labelFormatter={(at) => String(at).replace("T", " ")} />
            <Legend wrapperStyle={{ fontSize: 12 }} />
            <Bar dataKey="sent" name="Sent" fill={COLORS.sent} />
            <Bar dataKey="delivered" name="Delivered" fill={COLORS.delivered} />
            <Bar dataKey="bounced" name="Bounced" fill={COLORS.bounced} />
            <Bar dataKey="complained" name="Complained" fill={COLORS.complained} />
          </BarChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}

type RatePoint = { at: string; rate: number | null };
type RateLine = { value: number; label: string; tone: "guard" | "ses" };

/** A rate hour by hour against its lines: the guard's own, and SES's review and pause lines. */
export function RateChart({
  data,
  lines,
  label,
}: {
  data: RatePoint[];
  lines: RateLine[];
  label: string;
}) {
  const pct = (v: number) => `${(v * 100).toFixed(v < 0.01 ? 2 : 1)}%`;
  const { top, ticks, peak, aboveLines, highestLine } = rateScale(
    data.map((d) => d.rate),
    lines,
  );
  const hour = (at: string) => `${at.slice(5, 10)} ${at.slice(11, 16)}`;
  const empty = peak === null;
  return (
    <figure aria-label={label} className="w-full">
      {empty && (
        <p className="mb-1 text-sm text-slate-600">
          No mail in this period: no rate to draw yet. The lines show where the guard and SES act.
        </p>
      )}
      <div className="h-64 w-full">
        <ResponsiveContainer width="100%" height="100%">
          <LineChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="at" tickFormatter={hour} fontSize={11} minTickGap={32} />
            <YAxis
              type="number"
              domain={[0, top]}
              ticks={ticks}
              allowDataOverflow
              tickFormatter={pct}
              fontSize={11}
              width={52}
            />
            <Tooltip
              formatter={(v) => (typeof v === "number" ? pct(v) : "no mail")}
              labelFormatter={(at) => String(at).replace("T", " ")}
            />
            {lines.map((l) => (
              <ReferenceLine
                key={l.label}
                y={l.value}
                ifOverflow="extendDomain"
                stroke={l.tone === "ses" ? "#b91c1c" : "#b45309"}
                strokeDasharray={l.tone === "ses" ? "6 3" : "2 2"}
              />
            ))}
            <Line
              type="monotone"
              dataKey="rate"
              name="Rate"
              stroke="#0f766e"
              dot={{ r: 2 }}
              connectNulls={false}
              isAnimationActive={false}
            />
          </LineChart>
        </ResponsiveContainer>
      </div>
      <figcaption className="mt-1 flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-600">
        {lines.map((l) => (
          <span key={l.label} className="inline-flex items-center gap-1">
            <span
              aria-hidden
              className={`inline-block w-5 border-t-2 ${l.tone === "ses" ? "border-dashed border-red-700" : "border-dotted border-amber-700"}`}
            />
            {l.label} {pct(l.value)}
          </span>
        ))}
        {peak && (
          <span className={aboveLines ? "font-semibold text-red-800" : undefined}>
            Highest hour: {pct(peak.rate)} at {hour(data[peak.index]!.at)}
            {aboveLines && highestLine ? `, above the ${highestLine.label} line` : ""}
          </span>
        )}
      </figcaption>
    </figure>
  );
}
