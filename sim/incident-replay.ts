/**
 * The incident replay: a deterministic simulation, on a virtual clock, of the week that started the
 * project (DESIGN.md, "The mail pipeline", "Bounce budget and tenant windows", "Account guard").
 *
 * Twenty tenants send ordinary mail for seven days at a 0.5% hard-bounce rate; on day 3 one tenant
 * bulk-registers 5,000 members, 40% of them dead, and their invitations are queued at once. The same
 * traffic is replayed twice: without the guard (one FIFO queue sent at SES's rate, as the old mailer
 * did) and through the real policy code: `decideAll` from lib/mail/guard, `applyOutcome`,
 * `effectiveWindow` and `bounceStats` from lib/health/window, `accountGuard` and `bounceBudget`
 * from lib/health/account-guard. This module only models the world around them (traffic, SES, DNS, the event
 * stream, the dispatcher's bookkeeping); every decision is the real code's.
 *
 * The model, in short:
 * - one tick per virtual second; SES accepts `sendRate` mails a tick (14/s, SES's usual starting
 *   MaxSendRate). Guarded, the dispatcher builds one `GuardSnapshot` a tick and calls `decideAll` on
 *   the due mail, transactional first, in passes until the tick's tokens are spent; holds go back
 *   on the queue at their `until`, except `rate_limited` (keeps its place for the next tick) and
 *   `tenant_paused` (parked until the breaker changes, see `parkPaused`).
 * - SES feedback: a Delivery 2 s + Exp(6 s) after the send (capped at 60 s), 5% of them slow
 *   (20-120 s), 0.2% never published; a Bounce 3 s + Exp(20 s) (capped at 150 s). Unconfirmed bulk
 *   mail leaves the windows when its event is applied or after 30 minutes ("timeout").
 * - the webhook stores each event and the feedback applier applies it `applyDelayS` later (2 s):
 *   only then do our suppressions, windows, breakers and rates (what the guard reads) know of it.
 *   SES's own rates (what the peaks measure) count a bounce when it happens.
 * - a hard bounce suppresses the address: ours in the guarded run, SES's account-level list in the
 *   unguarded one (SES drops the send and does not count it).
 * - the account rate is SES's: hard bounces among the last 10,000 sends (by send), from the moment
 *   the bounce event arrives; the 24-hour rate uses minute buckets by send time. The guard reads
 *   the same two rates as applied.
 *
 * Pure: no I/O, no wall clock, no Math.random. Same options, same result.
 */
import {
  decideAll,
  type BlockReason,
  type GuardSnapshot,
  type HoldReason,
  type TenantSnapshot,
} from "@/lib/mail/guard";
import { APPLIER_DEFAULTS, MAIL_DEFAULTS } from "@/lib/env";
import { accountKey } from "@/lib/suppressions/rule";
import {
  accountGuard,
  bounceBudget,
  MIN_JUDGED_VOLUME,
  REPRESENTATIVE_SENDS,
  type GuardLevel,
} from "@/lib/health/account-guard";
import {
  applyOutcome,
  bounceStats,
  effectiveWindow,
  initialHealth,
  WINDOW_POLICY,
  type Breaker,
  type Outcome,
  type TenantHealth,
} from "@/lib/health/window";
import {
  DEFAULT_SCENARIO,
  eventDelay,
  generateTraffic,
  mulberry32,
  OFFENDER,
  ORDINARY_BOUNCE,
  REPLAY_START,
  type Mail,
  type TrafficOptions,
} from "./incident-traffic";

export {
  DEFAULT_SCENARIO,
  generateTraffic,
  mulberry32,
  OFFENDER,
  REPLAY_START,
  type IncidentOptions,
} from "./incident-traffic";

// ---------------------------------------------------------------------------------------------
// Options and result

export type ReplayOptions = TrafficOptions & {
  guarded: boolean;
  /**
   * Mail the guard holds with `tenant_paused` waits until that tenant's breaker changes instead of
   * being re-decided every 60 s (see `park` below). On by default: the result is the same, and the
   * four days of an open breaker otherwise cost ~20 million guard calls.
   */
  parkPaused?: boolean;
  /**
   * `warm` (default): each tenant has been sending for months, so its breaker judges a full ring of
   * past bulk outcomes (600 at 0.5% hard bounces, applied with `applyOutcome` to a ring of
   * deliveries). `cold`: every tenant starts from `initialHealth()`, as on the day the guard is
   * deployed to existing customers.
   */
  tenantHistory?: "warm" | "cold";
  /**
   * Seconds from SES's event reaching the webhook to the applier having applied it (guarded run).
   * Until then the guard, windows and breakers do not know of it; SES's own rates do.
   */
  applyDelayS?: number;
};

export const TRANSACTIONAL_DELAY_LIMIT_S = 60;
export const INVITATION_HELD_AFTER_S = 3_600;
/** The runtime's own numbers: the representative volume, the minimum judged, the dispatcher's. */
export const MIN_SENDS_FOR_RATE = MIN_JUDGED_VOLUME;
const REPRESENTATIVE = REPRESENTATIVE_SENDS;
const CONFIRM_AFTER_S = MAIL_DEFAULTS.confirmAfterMs / 1000;
const BATCH = MAIL_DEFAULTS.batchSize;
/**
 * The applier's delay: woken by the webhook's notification, or at worst by its fallback poll, then
 * one batch: within 2 s, the end-to-end bound bench:webhook measures.
 */
export const APPLY_DELAY_S = Math.ceil(APPLIER_DEFAULTS.pollMs / 1000) + 1;

export type ReplayResult = {
  guarded: boolean;
  tenantHistory: "warm" | "cold";
  /** Seconds between an event's arrival and our acting on it (0 unguarded: SES acts itself). */
  applyDelayS: number;
  seed: number;
  sendRate: number;
  tenants: number;
  days: number;
  mails: number;
  sends: number;
  hardBounces: number;
  /** Peak hard-bounce rate over the last 10,000 sends, measured once at least 1,000 had been sent. */
  peakRate: number;
  peakAt: string | null;
  /** Peak over the last 24 hours (same minimum). */
  peakDayRate: number;
  hoursAtOrAbove5: number;
  hoursAtOrAbove10: number;
  /** Mail sent in the 24 hours after the rate first reached 10%: what an SES pause would have stopped. */
  sendsInDayAfter10: number | null;
  transactional: { total: number; delayed: number; maxDelayS: number; blocked: number };
  goodInvitations: { total: number; heldOverHour: number; unsentAtEnd: number };
  incident: {
    invitations: number;
    sent: number;
    bounced: number;
    blocked: number;
    unsentAtEnd: number;
  };
  blocked: { total: number; byReason: Partial<Record<BlockReason, number>> };
  /** Unguarded only: sends SES dropped because the address is on its account suppression list. */
  sesSuppressed: number;
  /** Guard decisions that were holds, by reason (a mail held five times counts five). */
  holds: Partial<Record<HoldReason, number>>;
  /** Guarded only: what the guard says at the end about mail still unsent. */
  heldAtEnd: Partial<Record<HoldReason, number>>;
  guardLevels: Partial<Record<GuardLevel, number>>;
  offender: {
    tenantId: string;
    breaker: Breaker;
    breakerReason: string | null;
    breakerOpenedAt: string | null;
    invitationsSentBeforeOpen: number | null;
    windowAtIncident: number;
    /** Most unconfirmed bulk mail of the offender in flight at once. */
    maxInFlight: number;
    otherBulkUnsentAtEnd: number;
  };
  otherTenantsBulk: { dueAfterIncident: number; sentWithin5Min: number; maxDelayS: number };
  /** Every tenant whose breaker is not closed at the end, with when it opened. */
  breakers: Record<string, { breaker: Breaker; openedAt: string | null; reason: string | null }>;
  /** Unconfirmed bulk mail whose event never came: released after 30 minutes as a "timeout". */
  timeouts: number;
  guardCalls: number;
};

// ---------------------------------------------------------------------------------------------
// Queues on the virtual clock

/** Mail ids bucketed by the second they become due; oldest bucket first, FIFO inside a bucket. */
class DueQueue {
  private readonly buckets: (number[] | undefined)[] = [];
  private lo = 0;
  private head = 0;
  /** Mail that was decided but got no send token keeps its place at the front of the line. */
  private front: number[] = [];
  private frontHead = 0;

  push(tick: number, id: number) {
    (this.buckets[tick] ??= []).push(id);
  }

  putBack(ids: number[]) {
    if (!ids.length) return;
    this.front = ids.concat(this.front.slice(this.frontHead));
    this.frontHead = 0;
  }

  take(now: number, max: number, out: number[]) {
    while (out.length < max && this.frontHead < this.front.length) {
      out.push(this.front[this.frontHead++]!);
    }
    while (out.length < max && this.lo <= now) {
      const bucket = this.buckets[this.lo];
      if (!bucket || this.head >= bucket.length) {
        this.buckets[this.lo] = undefined;
        this.lo++;
        this.head = 0;
        continue;
      }
      out.push(bucket[this.head++]!);
    }
  }

  hasDue(now: number): boolean {
    if (this.frontHead < this.front.length) return true;
    while (this.lo <= now) {
      const bucket = this.buckets[this.lo];
      if (bucket && this.head < bucket.length) return true;
      this.buckets[this.lo] = undefined;
      this.lo++;
      this.head = 0;
    }
    return false;
  }
}

const iso = (tick: number) => new Date(REPLAY_START + tick * 1000).toISOString();
const bump = <K extends string>(record: Partial<Record<K, number>>, key: K) => {
  record[key] = (record[key] ?? 0) + 1;
};

// ---------------------------------------------------------------------------------------------
// The run

export function runReplay(options: ReplayOptions): ReplayResult {
  const seed = options.seed ?? DEFAULT_SCENARIO.seed;
  const sendRate = options.sendRate ?? DEFAULT_SCENARIO.sendRate;
  const days = options.days ?? DEFAULT_SCENARIO.days;
  const parkPaused = options.parkPaused ?? true;
  const { guarded } = options;
  const traffic = generateTraffic({ ...options, seed, days });
  const history = options.tenantHistory ?? "warm";
  const { mails, tenantIds, domainVerdicts, incidentTick } = traffic;
  const tenants = tenantIds.length;
  const offender = tenantIds.indexOf(OFFENDER);
  const end = days * 86_400;
  const n = mails.length;

  // Per-mail state of this run.
  const sentTick = new Int32Array(n).fill(-1);
  const sendIndex = new Int32Array(n);
  const bouncedMail = new Uint8Array(n);
  const blockedMail = new Uint8Array(n);
  const unconfirmed = new Uint8Array(n);
  const resolved = new Uint8Array(n);
  /** Held `tenant_paused` (parked or waiting 60 s): not counted as the tenant's waiting bulk. */
  const pausedHold = new Uint8Array(n);

  // The world: addresses that bounce, what SES and we know.
  const deadAddresses = new Set<string>(traffic.deadMailboxes);
  const suppressed = new Set<string>();
  const confirmed = new Set<string>(traffic.confirmed);

  // Tenants: health (window, breaker), bulk waiting and unconfirmed bulk in flight.
  const health: TenantHealth[] =
    history === "warm" ? warmHealth(tenants, seed) : tenantIds.map(() => initialHealth());
  const tenantRate = new Float64Array(health.map((h) => bounceStats(h.recent).rate));
  const waiting = new Int32Array(tenants);
  const inFlight = new Int32Array(tenants);
  let budgetInFlight = 0;
  const parked: number[][] = tenantIds.map(() => []);

  // The account: a ring over the last 10,000 sends, minute buckets for the last 24 hours. Twice:
  // SES's own count (what the peaks measure) and ours, which the guard reads and the applier
  // updates `applyDelay` later.
  const ringBounced = new Uint8Array(REPRESENTATIVE);
  const ringKnown = new Uint8Array(REPRESENTATIVE);
  let ringBounces = 0;
  let knownBounces = 0;
  let sends = 0;
  let hardBounces = 0;
  const minutes = Math.ceil(end / 60) + 1;
  const minuteSends = new Int32Array(minutes);
  const minuteBounces = new Int32Array(minutes);
  const minuteKnown = new Int32Array(minutes);
  let daySends = 0;
  let dayBounces = 0;
  let dayKnown = 0;
  let dayLow = 0;
  /** Events SES has sent that the applier applies this many seconds later (guarded: ours; SES's list acts at once). */
  const applyDelay = guarded ? (options.applyDelayS ?? APPLY_DELAY_S) : 0;
  const applies: (number[] | undefined)[] = [];

  // SES feedback and confirm-by timeouts, bucketed by the second they arrive: id*2 (+1 = timeout).
  const events: (number[] | undefined)[] = [];
  const schedule = (tick: number, code: number) => {
    if (tick < end) (events[tick] ??= []).push(code);
  };

  const transactionalQueue = new DueQueue();
  const bulkQueue = new DueQueue();
  const fifo = new DueQueue();

  const result: ReplayResult = {
    guarded,
    tenantHistory: history,
    applyDelayS: applyDelay,
    seed,
    sendRate,
    tenants,
    days,
    mails: n,
    sends: 0,
    hardBounces: 0,
    peakRate: 0,
    peakAt: null,
    peakDayRate: 0,
    hoursAtOrAbove5: 0,
    hoursAtOrAbove10: 0,
    sendsInDayAfter10: null,
    transactional: { total: 0, delayed: 0, maxDelayS: 0, blocked: 0 },
    goodInvitations: { total: 0, heldOverHour: 0, unsentAtEnd: 0 },
    incident: { invitations: 0, sent: 0, bounced: 0, blocked: 0, unsentAtEnd: 0 },
    blocked: { total: 0, byReason: {} },
    sesSuppressed: 0,
    holds: {},
    heldAtEnd: {},
    guardLevels: {},
    offender: {
      tenantId: OFFENDER,
      breaker: "closed",
      breakerReason: null,
      breakerOpenedAt: null,
      invitationsSentBeforeOpen: null,
      windowAtIncident: 0,
      maxInFlight: 0,
      otherBulkUnsentAtEnd: 0,
    },
    otherTenantsBulk: { dueAfterIncident: 0, sentWithin5Min: 0, maxDelayS: 0 },
    breakers: {},
    timeouts: 0,
    guardCalls: 0,
  };
  const openedAt: (number | null)[] = tenantIds.map(() => null);
  let incidentSent = 0;
  let secondsAt5 = 0;
  let secondsAt10 = 0;
  let first10: number | null = null;

  function setHealth(t: number, next: TenantHealth, tick: number) {
    const before = health[t]!;
    health[t] = next;
    if (next.recent !== before.recent) tenantRate[t] = bounceStats(next.recent).rate;
    if (next.breaker === before.breaker) return;
    if (next.breaker === "open") openedAt[t] ??= tick;
    if (t === offender && next.breaker === "open" && result.offender.breakerOpenedAt === null) {
      result.offender.breakerOpenedAt = iso(tick);
      result.offender.invitationsSentBeforeOpen = incidentSent;
    }
    // The breaker moved: whatever it parked is due again and goes back through the guard.
    if (before.breaker === "open" && parked[t]!.length) {
      for (const id of parked[t]!) {
        pausedHold[id] = 0;
        waiting[t]!++;
        bulkQueue.push(tick + 1, id);
      }
      parked[t] = [];
    }
  }

  function send(mail: Mail, tick: number, isUnconfirmed: boolean) {
    const address = mail.guard.toAddress!;
    const s = sends++;
    const slot = s % REPRESENTATIVE;
    if (ringBounced[slot]) {
      ringBounced[slot] = 0;
      ringBounces--;
    }
    if (ringKnown[slot]) {
      ringKnown[slot] = 0;
      knownBounces--;
    }
    sentTick[mail.id] = tick;
    sendIndex[mail.id] = s;
    minuteSends[Math.floor(tick / 60)]!++;
    daySends++;
    if (mail.incident) incidentSent++;
    const bounces = mail.fate !== 0 || deadAddresses.has(address);
    if (mail.fate === 3) deadAddresses.add(address);
    bouncedMail[mail.id] = bounces ? 1 : 0;
    if (bounces || !mail.lost) schedule(tick + eventDelay(mail, bounces), mail.id * 2);
    if (isUnconfirmed) {
      unconfirmed[mail.id] = 1;
      if (++inFlight[mail.tenant]! > result.offender.maxInFlight && mail.tenant === offender)
        result.offender.maxInFlight = inFlight[mail.tenant]!;
      budgetInFlight++;
      schedule(tick + CONFIRM_AFTER_S, mail.id * 2 + 1);
    }
  }

  function release(mail: Mail) {
    if (!unconfirmed[mail.id] || resolved[mail.id]) return false;
    resolved[mail.id] = 1;
    inFlight[mail.tenant]!--;
    budgetInFlight--;
    return true;
  }

  function arrive(code: number, tick: number) {
    const mail = mails[code >> 1]!;
    if (code & 1) {
      // Thirty minutes without an event: stop counting it against the windows.
      if (!release(mail)) return;
      result.timeouts++;
      setHealth(mail.tenant, applyOutcome(health[mail.tenant]!, "timeout"), tick);
      return;
    }
    // SES counts the bounce in its own rates when it happens.
    if (bouncedMail[mail.id]) {
      hardBounces++;
      const s = sendIndex[mail.id]!;
      if (s >= sends - REPRESENTATIVE) {
        ringBounced[s % REPRESENTATIVE] = 1;
        ringBounces++;
      }
      const minute = Math.floor(sentTick[mail.id]! / 60);
      minuteBounces[minute]!++;
      if (minute >= dayLow) dayBounces++;
      // Unguarded, SES's account-level list drops further sends at once.
      if (!guarded) suppressed.add(accountKey(mail.guard.toAddress!));
    }
    if (applyDelay === 0) applyEvent(mail, tick);
    else (applies[tick + applyDelay] ??= []).push(mail.id);
  }

  /** The feedback applier applies the event: our suppression, confirmation, windows and rates. */
  function applyEvent(mail: Mail, tick: number) {
    const address = mail.guard.toAddress!;
    const outcome: Outcome = bouncedMail[mail.id] ? "hard_bounce" : "delivered";
    if (outcome === "hard_bounce") {
      const s = sendIndex[mail.id]!;
      // Still among the last 10,000 sends: our rate counts it.
      if (s >= sends - REPRESENTATIVE) {
        ringKnown[s % REPRESENTATIVE] = 1;
        knownBounces++;
      }
      const minute = Math.floor(sentTick[mail.id]! / 60);
      minuteKnown[minute]!++;
      if (minute >= dayLow) dayKnown++;
      if (guarded) suppressed.add(accountKey(address));
    } else {
      confirmed.add(address);
    }
    const wasUnconfirmed = unconfirmed[mail.id] === 1;
    release(mail);
    if (mail.lane === "bulk") {
      const next = applyOutcome(health[mail.tenant]!, outcome, undefined, wasUnconfirmed);
      setHealth(mail.tenant, next, tick);
    }
  }

  function snapshot(tick: number, tokens: number): GuardSnapshot {
    const ringSends = Math.min(sends, REPRESENTATIVE);
    const verdict = accountGuard(
      { sends: ringSends, hardBounces: knownBounces, complaints: 0 },
      { sends: daySends, hardBounces: dayKnown, complaints: 0 },
    );
    bump(result.guardLevels, verdict.level);
    const total = bounceBudget(verdict.bounceRate, Math.max(ringSends, MIN_SENDS_FOR_RATE));
    let active = 0;
    for (let t = 0; t < tenants; t++) if (waiting[t]! > 0 || inFlight[t]! > 0) active++;
    const fairShare = total / Math.max(1, active);
    const snapTenants = new Map<string, TenantSnapshot>();
    for (let t = 0; t < tenants; t++) {
      snapTenants.set(tenantIds[t]!, {
        breaker: health[t]!.breaker,
        window: effectiveWindow(health[t]!, fairShare),
        inFlight: inFlight[t]!,
        bounceRate: tenantRate[t]!,
      });
    }
    return {
      now: new Date(REPLAY_START + tick * 1000),
      domainVerdicts,
      suppressed,
      confirmed,
      account: { pausedUntil: null, guard: verdict.level, bounceRate: verdict.bounceRate },
      budget: { total, inFlight: budgetInFlight },
      tenants: snapTenants,
      tokens,
      ratePerSecond: sendRate,
    };
  }

  const countBlock = (mail: Mail, reason: BlockReason) => {
    blockedMail[mail.id] = 1;
    bump(result.blocked.byReason, reason);
    result.blocked.total++;
  };

  function dispatchGuarded(tick: number) {
    if (!transactionalQueue.hasDue(tick) && !bulkQueue.hasDue(tick)) return;
    // One snapshot per tick, as one claimed batch: decideAll spends its tokens and window room.
    const snap = snapshot(tick, sendRate);
    const batch: number[] = [];
    for (;;) {
      batch.length = 0;
      // Transactional first: a person is waiting on it, whatever bulk backlog there is. A pass claims
      // about what the tokens left can send; mail beyond them would only wait for the next tick.
      const claim = Math.min(BATCH, Math.max(8, 2 * snap.tokens));
      transactionalQueue.take(tick, claim, batch);
      bulkQueue.take(tick, claim, batch);
      if (!batch.length) return;
      const decisions = decideAll(
        batch.map((id) => mails[id]!.guard),
        snap,
      );
      result.guardCalls += batch.length;
      const noToken: { transactional: number[]; bulk: number[] } = { transactional: [], bulk: [] };
      decisions.forEach((decision, i) => {
        const mail = mails[batch[i]!]!;
        const t = mail.tenant;
        const bulk = mail.lane === "bulk";
        if (decision.kind === "hold" && decision.reason === "tenant_paused") {
          bump(result.holds, "tenant_paused");
          if (!pausedHold[mail.id]) {
            pausedHold[mail.id] = 1;
            waiting[t]!--;
          }
          if (parkPaused) parked[t]!.push(mail.id);
          else bulkQueue.push(holdTick(decision.until, tick), mail.id);
          return;
        }
        if (bulk && pausedHold[mail.id]) {
          pausedHold[mail.id] = 0;
          waiting[t]!++;
        }
        if (decision.kind === "hold" && decision.reason === "rate_limited") {
          // Waits for the next token in its place in line (the next tick grants `sendRate` more).
          noToken[mail.lane].push(mail.id);
          return;
        }
        if (decision.kind === "send") {
          if (bulk) waiting[t]!--;
          send(mail, tick, decision.unconfirmed);
        } else if (decision.kind === "hold") {
          bump(result.holds, decision.reason);
          (bulk ? bulkQueue : transactionalQueue).push(holdTick(decision.until, tick), mail.id);
        } else {
          if (bulk) waiting[t]!--;
          countBlock(mail, decision.reason);
        }
      });
      transactionalQueue.putBack(noToken.transactional);
      bulkQueue.putBack(noToken.bulk);
      if (snap.tokens < 1) return;
    }
  }

  function dispatchUnguarded(tick: number) {
    // The old mailer: one queue, first in first out, as fast as SES accepts.
    const batch: number[] = [];
    fifo.take(tick, sendRate, batch);
    for (const id of batch) {
      const mail = mails[id]!;
      if (mail.lane === "bulk") waiting[mail.tenant]!--;
      if (suppressed.has(accountKey(mail.guard.toAddress!))) {
        // SES accepts the call and drops it: not a send, not a bounce, never delivered.
        result.sesSuppressed++;
        blockedMail[id] = 1;
        continue;
      }
      send(mail, tick, false);
    }
  }

  let next = 0;
  for (let tick = 0; tick < end; tick++) {
    // The 24-hour window slides by whole minutes.
    const minute = Math.floor(tick / 60);
    while (dayLow <= minute - 1440) {
      daySends -= minuteSends[dayLow]!;
      dayBounces -= minuteBounces[dayLow]!;
      dayKnown -= minuteKnown[dayLow]!;
      dayLow++;
    }
    if (tick === incidentTick && offender >= 0)
      result.offender.windowAtIncident = health[offender]!.window;
    while (next < n && mails[next]!.due <= tick) {
      const mail = mails[next++]!;
      if (mail.lane === "bulk") waiting[mail.tenant]!++;
      if (!guarded) fifo.push(tick, mail.id);
      else (mail.lane === "bulk" ? bulkQueue : transactionalQueue).push(tick, mail.id);
    }
    const arriving = events[tick];
    if (arriving) {
      events[tick] = undefined;
      for (const code of arriving) arrive(code, tick);
    }
    const applying = applies[tick];
    if (applying) {
      applies[tick] = undefined;
      for (const id of applying) applyEvent(mails[id]!, tick);
    }
    if (guarded) dispatchGuarded(tick);
    else dispatchUnguarded(tick);

    if (sends >= MIN_SENDS_FOR_RATE) {
      const rate = ringBounces / Math.min(sends, REPRESENTATIVE);
      if (rate > result.peakRate) {
        result.peakRate = rate;
        result.peakAt = iso(tick);
      }
      if (daySends > 0) result.peakDayRate = Math.max(result.peakDayRate, dayBounces / daySends);
      if (rate >= 0.05) secondsAt5++;
      if (rate >= 0.1) {
        secondsAt10++;
        first10 ??= tick;
      }
    }
  }

  // What the guard says about what is still unsent (no tokens: nothing is sent here).
  if (guarded) {
    const pending = mails.filter((m) => m.due < end && sentTick[m.id]! < 0 && !blockedMail[m.id]);
    const snap = snapshot(end, 0);
    decideAll(
      pending.map((m) => m.guard),
      snap,
    ).forEach((decision, i) => {
      if (decision.kind === "block") countBlock(pending[i]!, decision.reason);
      else if (decision.kind === "hold") bump(result.heldAtEnd, decision.reason);
    });
    result.guardCalls += pending.length;
  }

  // Measures.
  result.sends = sends;
  result.hardBounces = hardBounces;
  result.hoursAtOrAbove5 = secondsAt5 / 3600;
  result.hoursAtOrAbove10 = secondsAt10 / 3600;
  if (first10 !== null) {
    let inDay = 0;
    for (let id = 0; id < n; id++) {
      const s = sentTick[id]!;
      if (s >= first10 && s < first10 + 86_400) inDay++;
    }
    result.sendsInDayAfter10 = inDay;
  }
  health.forEach((h, t) => {
    if (h.breaker === "closed") return;
    const at = openedAt[t];
    result.breakers[tenantIds[t]!] = {
      breaker: h.breaker,
      openedAt: at == null ? null : iso(at),
      reason: h.breakerReason,
    };
  });
  const h = health[offender];
  if (h) {
    result.offender.breaker = h.breaker;
    result.offender.breakerReason = h.breakerReason;
  }
  for (const mail of mails) {
    const sent = sentTick[mail.id]! >= 0;
    const delay = sent ? sentTick[mail.id]! - mail.due : end - mail.due;
    if (mail.lane === "transactional") {
      result.transactional.total++;
      if (blockedMail[mail.id]) result.transactional.blocked++;
      else {
        if (delay > TRANSACTIONAL_DELAY_LIMIT_S || !sent) result.transactional.delayed++;
        result.transactional.maxDelayS = Math.max(result.transactional.maxDelayS, delay);
      }
      continue;
    }
    if (mail.category === "invitation" && mail.fate === 0) {
      result.goodInvitations.total++;
      if (!sent || delay > INVITATION_HELD_AFTER_S) result.goodInvitations.heldOverHour++;
      if (!sent) result.goodInvitations.unsentAtEnd++;
    }
    if (mail.incident) {
      result.incident.invitations++;
      if (sent) result.incident.sent++;
      if (sent && bouncedMail[mail.id]) result.incident.bounced++;
      if (blockedMail[mail.id]) result.incident.blocked++;
      if (!sent && !blockedMail[mail.id]) result.incident.unsentAtEnd++;
    } else if (mail.tenant === offender && !sent && !blockedMail[mail.id]) {
      result.offender.otherBulkUnsentAtEnd++;
    }
    if (mail.tenant !== offender && mail.due >= incidentTick && !blockedMail[mail.id]) {
      result.otherTenantsBulk.dueAfterIncident++;
      if (sent && delay <= 300) result.otherTenantsBulk.sentWithin5Min++;
      result.otherTenantsBulk.maxDelayS = Math.max(result.otherTenantsBulk.maxDelayS, delay);
    }
  }
  return result;
}

/** Established tenants: months of bulk mail at the ordinary bounce rate, through the real transitions. */
function warmHealth(tenants: number, seed: number): TenantHealth[] {
  const rng = mulberry32(seed ^ 0x5eed);
  return Array.from({ length: tenants }, () => {
    let h: TenantHealth = { ...initialHealth(), recent: "d".repeat(WINDOW_POLICY.ringSize) };
    // Mostly mail to members delivered to before: the ring fills, the window stays where it started.
    for (let i = 0; i < 600; i++)
      h = applyOutcome(h, rng() < ORDINARY_BOUNCE ? "hard_bounce" : "delivered", undefined, false);
    return h;
  });
}

function holdTick(until: Date, tick: number): number {
  return Math.max(tick + 1, Math.ceil((until.getTime() - REPLAY_START) / 1000));
}
