/**
 * The incident replay's world (sim/incident-replay.ts runs it): a week of seeded traffic for the
 * tenants, the bulk registration with its dead addresses, and when SES's feedback for a mail comes.
 * Pure and deterministic: the same options, the same traffic.
 */
import type { MailCategory, MailLane } from "@/db/schema/mail";
import type { DomainVerdict } from "@/lib/address/domain-verdict";
import type { GuardMail } from "@/lib/mail/guard";

export type IncidentOptions = {
  /** 1-based day of the run on which the bulk registration happens. */
  day: number;
  /** Hour of that day (virtual clock) at which its invitations are queued, all at once. */
  hour: number;
  size: number;
  /** Share of the registered addresses that are dead: half at dead domains, half dead mailboxes. */
  deadShare: number;
};

/** The traffic of a run: how many tenants and days, the incident, SES's rate and the volume. */
export type TrafficOptions = {
  seed?: number;
  tenants?: number;
  days?: number;
  incident?: IncidentOptions;
  /** SES MaxSendRate, mails per second; the dispatcher ticks once per virtual second. */
  sendRate?: number;
  /** Multiplies the ordinary traffic (1 = a few hundred to a few thousand mails per tenant per day). */
  volume?: number;
};

export const DEFAULT_SCENARIO = {
  seed: 20_240_607,
  tenants: 20,
  days: 7,
  incident: { day: 3, hour: 10, size: 5_000, deadShare: 0.4 },
  sendRate: 14,
  volume: 1,
} as const satisfies Required<TrafficOptions>;

/** The virtual clock starts on a Monday at midnight. */
export const REPLAY_START = Date.UTC(2025, 8, 1);
/** The offending tenant is always the seventh one. */
export const OFFENDER = "t07";
export const ORDINARY_BOUNCE = 0.005;
const LOST_DELIVERY_EVENT = 0.002;

// ---------------------------------------------------------------------------------------------
// Seeded randomness

/** mulberry32: a tiny, fast, well-mixed 32-bit PRNG; enough for a reproducible simulation. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const expo = (u: number, mean: number) => -Math.log(1 - u) * mean;

// ---------------------------------------------------------------------------------------------
// Traffic

/** 0 live; 1 dead domain; 2 dead mailbox at a live domain; 3 live until this very mail (it bounces). */
export type Fate = 0 | 1 | 2 | 3;

export type Mail = {
  id: number;
  tenant: number;
  category: MailCategory;
  lane: MailLane;
  /** Virtual second at which the mail is queued. */
  due: number;
  guard: GuardMail;
  fate: Fate;
  incident: boolean;
  /** Pre-drawn so both runs see the same SES: delay draw, slow-delivery tail, lost Delivery event. */
  u: number;
  slow: boolean;
  lost: boolean;
};

export type Traffic = {
  mails: Mail[];
  tenantIds: string[];
  domainVerdicts: Map<string, DomainVerdict>;
  /** Existing members' addresses: delivered to before the replay starts. */
  confirmed: string[];
  deadMailboxes: string[];
  incidentTick: number;
};

const PROVIDERS = [
  "mail.example.com",
  "post.example.net",
  "inbox.example.org",
  "webmail.example.jp",
  "campus.example.ac.jp",
];

/** Mail per hour of the day, relative: a quiet night, a school-day morning, an evening peak. */
const HOUR_WEIGHTS = [
  0.2, 0.1, 0.1, 0.1, 0.1, 0.3, 0.8, 1.5, 2.5, 3, 2.8, 2.5, 2.2, 2.4, 2.5, 2.3, 2.2, 2.4, 2.8, 3.2,
  3.3, 2.8, 1.6, 0.7,
];
const HOUR_TOTAL = HOUR_WEIGHTS.reduce((a, b) => a + b, 0);

function timeOfDay(rng: () => number): number {
  let x = rng() * HOUR_TOTAL;
  let hour = 0;
  while (hour < 23 && x >= HOUR_WEIGHTS[hour]!) x -= HOUR_WEIGHTS[hour++]!;
  return hour * 3600 + Math.floor(rng() * 3600);
}

const tenantDomain = (t: number) => `school${String(t + 1).padStart(2, "0")}.example.ac.jp`;
const memberAddress = (t: number, i: number) =>
  `m${i}.t${t + 1}@${i % 2 ? tenantDomain(t) : PROVIDERS[i % PROVIDERS.length]}`;

export function generateTraffic(options: Omit<TrafficOptions, "sendRate"> = {}): Traffic {
  const seed = options.seed ?? DEFAULT_SCENARIO.seed;
  const tenants = options.tenants ?? DEFAULT_SCENARIO.tenants;
  const days = options.days ?? DEFAULT_SCENARIO.days;
  const incident = options.incident ?? DEFAULT_SCENARIO.incident;
  const volume = options.volume ?? DEFAULT_SCENARIO.volume;
  const rng = mulberry32(seed);
  const offender = Number(OFFENDER.slice(1)) - 1;
  const tenantIds = Array.from({ length: tenants }, (_, t) => `t${String(t + 1).padStart(2, "0")}`);

  const raw: Mail[] = [];
  const push = (
    tenant: number,
    category: MailCategory,
    due: number,
    address: string,
    fate: Fate,
    incidentMail = false,
  ) => {
    const lane: MailLane =
      category === "password_reset" || category === "login_code" ? "transactional" : "bulk";
    raw.push({
      id: -1,
      tenant,
      category,
      lane,
      due,
      guard: { tenantId: tenantIds[tenant]!, lane, toAddress: address },
      fate,
      incident: incidentMail,
      u: rng(),
      slow: rng() < 0.05,
      lost: rng() < LOST_DELIVERY_EVENT,
    });
  };
  const ordinaryFate = (): Fate => (rng() < ORDINARY_BOUNCE ? 3 : 0);

  const confirmed: string[] = [];
  for (let t = 0; t < tenants; t++) {
    const members = t === offender ? 3_000 : 1_500 + Math.floor(rng() * 8_500);
    const addresses = Array.from({ length: members }, (_, i) => memberAddress(t, i));
    for (const address of addresses) confirmed.push(address);
    const member = () => addresses[Math.floor(rng() * members)]!;
    const usesLoginCodes = t === offender || rng() < 0.6;
    const noticeShare = 0.1 + rng() * 0.2;
    for (let d = 0; d < days; d++) {
      const day = d * 86_400;
      const weekend = d % 7 >= 5;
      const wf = (weekend ? 0.35 : 1) * volume;
      // Message notices: a teacher posts to a group; its notices are queued together.
      const groupShare = 0.01 + rng() * 0.05;
      const messages = Math.round((noticeShare / groupShare) * wf * (0.7 + rng() * 0.6));
      for (let k = 0; k < messages; k++) {
        const at = day + timeOfDay(rng);
        const group = Math.max(1, Math.round(members * groupShare * (0.5 + rng())));
        for (let j = 0; j < group; j++) push(t, "message_notice", at, member(), ordinaryFate());
      }
      // Announcements: some weekdays, to a segment, in office hours.
      if (!weekend && rng() < 0.2 * volume) {
        const at = day + (9 + Math.floor(rng() * 8)) * 3600 + Math.floor(rng() * 3600);
        const segment = Math.round(members * (0.2 + rng() * 0.3));
        for (let j = 0; j < segment; j++) push(t, "announcement", at, member(), ordinaryFate());
      }
      // Members registered one by one: invitations to new, unconfirmed addresses.
      const joins = Math.floor(rng() * 20 * wf);
      for (let j = 0; j < joins; j++) {
        const address = `new${d}-${j}.t${t + 1}@${j % 2 ? tenantDomain(t) : PROVIDERS[j % PROVIDERS.length]}`;
        push(t, "invitation", day + timeOfDay(rng), address, ordinaryFate());
      }
      // Transactional: what a person just asked for.
      const resets = Math.round(members * 0.002 * wf * (0.7 + rng() * 0.6));
      for (let j = 0; j < resets; j++)
        push(t, "password_reset", day + timeOfDay(rng), member(), ordinaryFate());
      if (usesLoginCodes) {
        const codes = Math.round(members * 0.03 * wf * (0.7 + rng() * 0.6));
        for (let j = 0; j < codes; j++)
          push(t, "login_code", day + timeOfDay(rng), member(), ordinaryFate());
      }
    }
  }

  // The bulk registration: invitations queued at once, dead addresses spread through the list.
  const incidentTick = (incident.day - 1) * 86_400 + incident.hour * 3_600;
  const deadDomains = Array.from({ length: 60 }, (_, k) => `closed-academy${k}.example.com`);
  const deadDomainCount = Math.round((incident.size * incident.deadShare) / 2);
  const deadMailboxCount = Math.round(incident.size * incident.deadShare) - deadDomainCount;
  const registrations: { address: string; fate: Fate }[] = [];
  for (let j = 0; j < incident.size; j++) {
    const fate: Fate = j < deadDomainCount ? 1 : j < deadDomainCount + deadMailboxCount ? 2 : 0;
    const domain =
      fate === 1
        ? deadDomains[j % deadDomains.length]!
        : j % 3
          ? tenantDomain(offender)
          : PROVIDERS[j % PROVIDERS.length]!;
    registrations.push({ address: `reg${j}.t${offender + 1}@${domain}`, fate });
  }
  for (let j = registrations.length - 1; j > 0; j--) {
    const k = Math.floor(rng() * (j + 1));
    [registrations[j], registrations[k]] = [registrations[k]!, registrations[j]!];
  }
  if (incident.size > 0 && offender < tenants) {
    for (const r of registrations)
      push(offender, "invitation", incidentTick, r.address, r.fate, true);
  }

  // Sorted by due time, each burst in its queued order (a numeric key sorts fast and stably).
  const keys = new Float64Array(raw.length);
  for (let i = 0; i < raw.length; i++) keys[i] = raw[i]!.due * 2 ** 24 + i;
  keys.sort();
  const mails: Mail[] = Array.from(keys, (key, id) => {
    const mail = raw[key % 2 ** 24] as Mail;
    mail.id = id;
    return mail;
  });

  const domainVerdicts = new Map<string, DomainVerdict>();
  for (const d of [...PROVIDERS, ...tenantIds.map((_, t) => tenantDomain(t))])
    domainVerdicts.set(d, { status: "ok", reason: "mx" });
  // The DNS check knows dead domains (NXDOMAIN); it cannot know a dead mailbox at a live domain.
  for (const d of deadDomains) domainVerdicts.set(d, { status: "not_found", reason: "nxdomain" });

  return {
    mails,
    tenantIds,
    domainVerdicts,
    confirmed,
    deadMailboxes: registrations.filter((r) => r.fate === 2).map((r) => r.address),
    incidentTick,
  };
}

/** SES's feedback delay, seconds after the send: Delivery usually within seconds, some slower. */
export function eventDelay(mail: Mail, bounced: boolean): number {
  const s = bounced
    ? Math.min(150, 3 + expo(mail.u, 20))
    : mail.slow
      ? 20 + mail.u * 100
      : Math.min(60, 2 + expo(mail.u, 6));
  return Math.max(1, Math.ceil(s));
}
