import type { ReactNode } from "react";

export type Tone = "ok" | "warn" | "stop" | "info" | "muted";

const TONES: Record<Tone, string> = {
  ok: "bg-emerald-50 text-emerald-800 ring-emerald-200",
  warn: "bg-amber-50 text-amber-900 ring-amber-200",
  stop: "bg-red-50 text-red-800 ring-red-200",
  info: "bg-sky-50 text-sky-900 ring-sky-200",
  muted: "bg-slate-100 text-slate-700 ring-slate-200",
};

/** A state as a word on a coloured ground: never an enum name, never colour alone. */
export function Badge({
  tone,
  children,
  wrap,
}: {
  tone: Tone;
  children: ReactNode;
  /** Long content (an address) may break instead of running off a phone's screen. */
  wrap?: boolean;
}) {
  return (
    <span
      className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${wrap ? "break-all" : "whitespace-nowrap"} ${TONES[tone]}`}
    >
      {children}
    </span>
  );
}
