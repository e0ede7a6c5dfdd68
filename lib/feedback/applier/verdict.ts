import type { ApplierBacklog } from "./parked";

/** The applier is expected to apply within seconds (DESIGN.md): past these, operators are told. */
export const BEHIND_AFTER_S = 60;

export type ApplierVerdict = {
  level: "ok" | "behind" | "parked";
  /** How long the oldest unapplied event has waited, in whole seconds (null: nothing waits). */
  waitedS: number | null;
  /** In words, for the panel. */
  sentence: string;
};

const plural = (n: number, one: string, many = `${one}s`) =>
  `${n.toLocaleString("en")} ${n === 1 ? one : many}`;

export function ageInWords(seconds: number): string {
  if (seconds < 60) return plural(seconds, "second");
  if (seconds < 3_600) return plural(Math.floor(seconds / 60), "minute");
  if (seconds < 86_400) return plural(Math.floor(seconds / 3_600), "hour");
  return plural(Math.floor(seconds / 86_400), "day");
}

/** What the backlog means: keeping up, falling behind (the guard acts on old news), or parked events. */
export function applierVerdict(backlog: ApplierBacklog, now: Date): ApplierVerdict {
  const waitedS = backlog.oldestAt
    ? Math.max(0, Math.floor((now.getTime() - backlog.oldestAt.getTime()) / 1000))
    : null;
  if (waitedS !== null && waitedS >= BEHIND_AFTER_S) {
    return {
      level: "behind",
      waitedS,
      sentence: `${plural(backlog.pending, "event")} waiting to be applied, the oldest for ${ageInWords(waitedS)}: the guard's windows and breakers act on old news until they are. Check that an applier runs (FEEDBACK_APPLIER=in-app, or npm run worker) and that the database keeps up.`,
    };
  }
  if (backlog.parked > 0) {
    return {
      level: "parked",
      waitedS,
      sentence: `${plural(backlog.parked, "event")} could not be applied and ${backlog.parked === 1 ? "is" : "are"} parked. Each shows its error; fix the cause, then try it again.`,
    };
  }
  return {
    level: "ok",
    waitedS,
    sentence:
      backlog.pending === 0
        ? "Every event received has been applied."
        : `${plural(backlog.pending, "event")} being applied, the oldest received ${ageInWords(waitedS ?? 0)} ago.`,
  };
}
