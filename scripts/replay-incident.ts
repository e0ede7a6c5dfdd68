/**
 * replay:incident — replays the week of the incident twice on a virtual clock (sim/incident-replay.ts):
 * without the guard, as the old mailer sent, and through the real guard, windows, breakers and
 * account guard. Prints a table per run, a note on a cold start, and as the last line a JSON summary.
 * Deterministic: the same seed prints the same numbers. `-- --seed N` replays another week.
 */
import {
  DEFAULT_SCENARIO,
  INVITATION_HELD_AFTER_S,
  MIN_SENDS_FOR_RATE,
  OFFENDER,
  REPLAY_START,
  TRANSACTIONAL_DELAY_LIMIT_S,
  generateTraffic,
  runReplay,
  type ReplayResult,
} from "@/sim/incident-replay";

const seedArg = process.argv.indexOf("--seed");
const seed = seedArg > 0 ? Number(process.argv[seedArg + 1]) : DEFAULT_SCENARIO.seed;
if (!Number.isSafeInteger(seed)) throw new Error("--seed takes an integer");

const started = performance.now();
const off = runReplay({ guarded: false, seed });
const on = runReplay({ guarded: true, seed });
const cold = runReplay({ guarded: true, seed, tenantHistory: "cold" });
// What the applier's delay costs: acting at once, and an applier a minute behind.
const delays = [0, 60].map((applyDelayS) => runReplay({ guarded: true, seed, applyDelayS }));
const elapsed = (performance.now() - started) / 1000;

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const when = (isoTime: string | null) => {
  if (!isoTime) return "–";
  const d = new Date(isoTime);
  const day = Math.floor((d.getTime() - REPLAY_START) / 86_400_000) + 1;
  return `day ${day} ${DAYS[d.getUTCDay()]} ${isoTime.slice(11, 19)}`;
};
const int = (n: number) => n.toLocaleString("en-US");
const pct = (r: number) => `${(r * 100).toFixed(2)}%`;
const reasons = (r: Partial<Record<string, number>>) =>
  Object.entries(r)
    .map(([k, v]) => `${k} ${int(v ?? 0)}`)
    .join(", ");

const { incident } = DEFAULT_SCENARIO;
const traffic = generateTraffic({ seed });
const transactional = traffic.mails.filter((m) => m.lane === "transactional").length;
const deadDomains = Math.round((incident.size * incident.deadShare) / 2);
console.log(
  `Incident replay: ${DEFAULT_SCENARIO.tenants} tenants, ${DEFAULT_SCENARIO.days} days from Mon 2025-09-01 on a virtual clock, seed ${seed}, SES ${DEFAULT_SCENARIO.sendRate} mails/s, dispatcher tick 1 s.`,
);
console.log(
  `Traffic: ${int(traffic.mails.length)} mails (${int(transactional)} transactional); day ${incident.day} ${String(incident.hour).padStart(2, "0")}:00 ${OFFENDER} queues ${int(incident.size)} invitations at once, ${int(deadDomains)} at dead domains and ${int(incident.size * incident.deadShare - deadDomains)} to dead mailboxes at live domains.`,
);
console.log("");

type Row = [label: string, off: string, on: string];
const rows: Row[] = [
  [
    `peak hard-bounce rate, last 10,000 sends (after ${int(MIN_SENDS_FOR_RATE)} sent)`,
    pct(off.peakRate),
    pct(on.peakRate),
  ],
  ["  reached at", when(off.peakAt), when(on.peakAt)],
  ["peak hard-bounce rate, last 24 hours", pct(off.peakDayRate), pct(on.peakDayRate)],
  [
    "sends / hard bounces in total",
    `${int(off.sends)} / ${int(off.hardBounces)}`,
    `${int(on.sends)} / ${int(on.hardBounces)}`,
  ],
  [
    "hours at or above 5% (SES review)",
    off.hoursAtOrAbove5.toFixed(2),
    on.hoursAtOrAbove5.toFixed(2),
  ],
  [
    "hours at or above 10% (SES may pause)",
    off.hoursAtOrAbove10.toFixed(2),
    on.hoursAtOrAbove10.toFixed(2),
  ],
  [
    "mail sent in the 24 h after first reaching 10%",
    off.sendsInDayAfter10 === null ? "–" : int(off.sendsInDayAfter10),
    on.sendsInDayAfter10 === null ? "–" : int(on.sendsInDayAfter10),
  ],
  [
    `transactional delayed (sent >${TRANSACTIONAL_DELAY_LIMIT_S} s after due, or never)`,
    `${int(off.transactional.delayed)} of ${int(off.transactional.total)}`,
    `${int(on.transactional.delayed)} of ${int(on.transactional.total)}`,
  ],
  [
    "  longest transactional wait",
    `${off.transactional.maxDelayS} s`,
    `${on.transactional.maxDelayS} s`,
  ],
  [
    `good invitations held (sent >${INVITATION_HELD_AFTER_S / 3600} h after due, or never)`,
    `${int(off.goodInvitations.heldOverHour)} of ${int(off.goodInvitations.total)}`,
    `${int(on.goodInvitations.heldOverHour)} of ${int(on.goodInvitations.total)}`,
  ],
  [
    "  of which still unsent at the end",
    int(off.goodInvitations.unsentAtEnd),
    int(on.goodInvitations.unsentAtEnd),
  ],
  [
    `${OFFENDER}'s ${int(incident.size)} invitations: sent / bounced / blocked`,
    `${int(off.incident.sent)} / ${int(off.incident.bounced)} / ${int(off.incident.blocked)}`,
    `${int(on.incident.sent)} / ${int(on.incident.bounced)} / ${int(on.incident.blocked)}`,
  ],
  ["mails blocked by the checks", int(off.blocked.total), int(on.blocked.total)],
  ["  by reason", reasons(off.blocked.byReason) || "–", reasons(on.blocked.byReason) || "–"],
  [
    "sends SES dropped (its suppression list, not counted)",
    int(off.sesSuppressed),
    int(on.sesSuppressed),
  ],
  [
    `${OFFENDER}'s breaker at the end`,
    `${off.offender.breaker} (not enforced)`,
    on.offender.breaker,
  ],
  [
    "  opened at / after how many of its invitations",
    `${when(off.offender.breakerOpenedAt)} / ${off.offender.invitationsSentBeforeOpen ?? "–"}`,
    `${when(on.offender.breakerOpenedAt)} / ${on.offender.invitationsSentBeforeOpen ?? "–"}`,
  ],
  [
    `${OFFENDER}'s window W when the invitations were queued`,
    int(off.offender.windowAtIncident),
    int(on.offender.windowAtIncident),
  ],
  [`${OFFENDER}'s most unconfirmed bulk mail in flight at once`, "–", int(on.offender.maxInFlight)],
  [
    `${OFFENDER}'s other bulk mail unsent at the end`,
    int(off.offender.otherBulkUnsentAtEnd),
    int(on.offender.otherBulkUnsentAtEnd),
  ],
  [
    "other tenants' bulk due after the incident, sent within 5 min",
    `${int(off.otherTenantsBulk.sentWithin5Min)} of ${int(off.otherTenantsBulk.dueAfterIncident)}`,
    `${int(on.otherTenantsBulk.sentWithin5Min)} of ${int(on.otherTenantsBulk.dueAfterIncident)}`,
  ],
  ["other breakers open at the end", otherBreakers(off) || "none", otherBreakers(on) || "none"],
];

function otherBreakers(r: ReplayResult): string {
  return Object.entries(r.breakers)
    .filter(([t]) => t !== OFFENDER)
    .map(([t, b]) => `${t} ${b.breaker}`)
    .join(", ");
}

const header: Row = ["", "guard off", "guard on"];
const widths = [0, 1, 2].map((i) => Math.max(...[header, ...rows].map((r) => r[i]!.length)));
const line = (r: Row) =>
  `${r[0].padEnd(widths[0]!)}  ${r[1].padStart(widths[1]!)}  ${r[2].padStart(widths[2]!)}`;
console.log(line(header));
console.log("-".repeat(widths[0]! + widths[1]! + widths[2]! + 4));
for (const r of rows) console.log(line(r));
console.log("");
console.log(
  `guard on: holds decided ${reasons(on.holds)}; still held at the end ${reasons(on.heldAtEnd) || "none"}; account guard levels seen (per tick) ${reasons(on.guardLevels)}; ${int(on.timeouts)} unconfirmed mails released by the 30-minute timeout; ${int(on.guardCalls)} guard decisions.`,
);
console.log(
  `Cold start (every tenant from initialHealth(), as on the day the guard is deployed): peak ${pct(cold.peakRate)}, transactional delayed ${cold.transactional.delayed}, breakers open at the end: ${Object.entries(
    cold.breakers,
  )
    .map(([t, b]) => `${t} (${when(b.openedAt)}: ${b.reason})`)
    .join(
      "; ",
    )}; other tenants' bulk sent within 5 min ${int(cold.otherTenantsBulk.sentWithin5Min)} of ${int(cold.otherTenantsBulk.dueAfterIncident)}.`,
);
const [atOnce, minuteBehind] = delays as [ReplayResult, ReplayResult];
const effect = (r: ReplayResult) =>
  `peak ${pct(r.peakRate)}, ${OFFENDER}'s invitations sent / bounced ${int(r.incident.sent)} / ${int(r.incident.bounced)}, transactional delayed ${r.transactional.delayed}`;
console.log(
  `Guard on acts on feedback ${on.applyDelayS} s after it arrives (the applier's bound). Applied at once instead: ${effect(atOnce)}. An applier ${minuteBehind.applyDelayS} s behind: ${effect(minuteBehind)}.`,
);
console.log(`Five runs in ${elapsed.toFixed(1)} s.`);
console.log(
  JSON.stringify({
    unguarded_peak: Number(off.peakRate.toFixed(4)),
    guarded_peak: Number(on.peakRate.toFixed(4)),
    transactional_delayed: on.transactional.delayed,
    apply_delay_s: on.applyDelayS,
  }),
);
