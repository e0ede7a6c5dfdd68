import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { MailStatus } from "@/db/schema/mail";
import { mailKey, type MailForEvent } from "@/lib/mail/outbox";
import { planBatch, type BatchPlan, type PendingEvent } from "./plan";

const T0 = Date.UTC(2026, 0, 1);
let nextId = 1;

function event(
  type: "Delivery" | "Bounce" | "Complaint" | "Send" | "Reject" | "DeliveryDelay" | "Open",
  opts: {
    ses?: string | null;
    to?: string[];
    at?: number;
    permanent?: boolean;
    id?: number;
    tag?: number | null;
  } = {},
): PendingEvent {
  return {
    id: opts.id ?? nextId++,
    eventType: type,
    sesMessageId: opts.ses === undefined ? "ses-1" : opts.ses,
    recipients: opts.to ?? ["a@example.com"],
    bounceType: type === "Bounce" ? (opts.permanent === false ? "Transient" : "Permanent") : null,
    bounceSubType: type === "Bounce" ? "General" : null,
    occurredAt: new Date(T0 + (opts.at ?? 0) * 1000),
    receivedAt: new Date(T0 + 600_000),
    outboxTag: opts.tag ?? null,
  };
}

function mail(
  id: number,
  status: MailStatus = "sent",
  extra: Partial<MailForEvent> = {},
): MailForEvent {
  return {
    id,
    tenantId: "tenant-a",
    category: "invitation",
    lane: "bulk",
    status,
    reason: null,
    unconfirmed: true,
    ...extra,
  };
}

const mailsOf = (...pairs: [string, MailForEvent][]) =>
  new Map(pairs.map(([ses, m]) => [mailKey({ sesMessageId: ses, outboxTag: null }), m]));

describe("planBatch", () => {
  it("folds one mail's events in SES's order, whatever order they arrived in: forward only", () => {
    const mails = mailsOf(["ses-1", mail(1)]);
    const delivered = event("Delivery", { at: 1 });
    const bounced = event("Bounce", { at: 5 });
    for (const batch of [
      [delivered, bounced],
      [bounced, delivered],
    ]) {
      const plan = planBatch(batch, mails);
      expect(plan.moves).toEqual([
        { mailId: 1, transition: { status: "bounced", reason: "bounce:General", moved: true } },
      ]);
      // SES's order: the delivery resolved it first (unconfirmed), then the late bounce.
      expect(plan.outcomes).toEqual([
        { tenantId: "tenant-a", outcome: "delivered", unconfirmed: true },
        { tenantId: "tenant-a", outcome: "hard_bounce", unconfirmed: false },
      ]);
      expect(plan.addresses).toEqual([
        { tenantId: "tenant-a", address: "a@example.com", status: "bounced" },
      ]);
    }
  });

  it("ignores a late delivery after a bounce, and anything for mail that never left", () => {
    const plan = planBatch(
      [event("Delivery", { at: 9 })],
      mailsOf(["ses-1", mail(1, "bounced", { unconfirmed: false })]),
    );
    expect(plan.moves).toEqual([]);
    expect(plan.outcomes).toEqual([]);
    // The rollup still counts what SES reported, and the address stays bounced in the database.
    expect(plan.rollup).toHaveLength(1);
    for (const status of ["queued", "held", "blocked", "cancelled", "failed"] as const) {
      expect(planBatch([event("Bounce")], mailsOf(["ses-1", mail(1, status)])).moves).toEqual([]);
    }
  });

  it("notes soft bounces in the reason, counting only the first for the window", () => {
    const plan = planBatch(
      [event("Bounce", { permanent: false, at: 1 }), event("Bounce", { permanent: false, at: 2 })],
      mailsOf(["ses-1", mail(1)]),
    );
    expect(plan.moves).toEqual([
      { mailId: 1, transition: { status: null, reason: "soft_bounce:General", moved: true } },
    ]);
    expect(plan.outcomes.map((o) => o.outcome)).toEqual(["soft_bounce"]);
    expect(plan.suppressions).toEqual([]);
    expect(plan.rollup.map((r) => r.column)).toEqual(["soft_bounces", "soft_bounces"]);
  });

  it("suppresses exactly the recipients of permanent bounces and complaints, for the tenant when ours", () => {
    const plan = planBatch(
      [
        event("Bounce", { to: ["x@example.com"], id: 7 }),
        event("Complaint", { ses: "ses-stranger", to: ["y@example.com"], id: 8 }),
      ],
      mailsOf(["ses-1", mail(1)]),
    );
    expect(plan.suppressions).toEqual([
      {
        tenantId: "tenant-a",
        address: "x@example.com",
        reason: "bounce",
        detail: { sesMessageId: "ses-1", bounceSubType: "General", eventId: 7 },
      },
      {
        tenantId: null,
        address: "y@example.com",
        reason: "complaint",
        detail: { sesMessageId: "ses-stranger", bounceSubType: null, eventId: 8 },
      },
    ]);
    expect(plan.links).toEqual([
      { eventId: 7, mailId: 1, tenantId: "tenant-a" },
      { eventId: 8, mailId: null, tenantId: null },
    ]);
    expect(plan.rollup.map((r) => [r.tenantId, r.category, r.column])).toEqual([
      ["tenant-a", "invitation", "hard_bounces"],
      [null, "unknown", "complaints"],
    ]);
  });

  it("keeps transactional mail out of the windows, and counts SES's Send only for mail not ours", () => {
    const plan = planBatch(
      [
        event("Send", { ses: "ses-1" }),
        event("Send", { ses: "ses-other" }),
        event("Delivery", { ses: "ses-1", at: 3 }),
      ],
      mailsOf(["ses-1", mail(1, "sent", { lane: "transactional", category: "login_code" })]),
    );
    expect(plan.outcomes).toEqual([]);
    expect(plan.moves.map((m) => m.transition.status)).toEqual(["delivered"]);
    expect(plan.rollup.map((r) => [r.tenantId, r.column])).toEqual([
      [null, "sends"],
      ["tenant-a", "deliveries"],
    ]);
    expect(plan.confirmed).toEqual(["a@example.com"]);
  });

  it("picks the mail by the outbox tag the event carries", () => {
    const tagged = new Map([[mailKey({ sesMessageId: "ses-1", outboxTag: 42 }), mail(42)]]);
    expect(planBatch([event("Delivery", { tag: 42 })], tagged).moves[0]?.mailId).toBe(42);
    expect(planBatch([event("Delivery", { tag: null })], tagged).moves).toEqual([]);
  });
});

// The batch must do exactly what applying its events one at a time, in SES's order, would do.
type Effects = {
  mails: Record<number, Pick<MailForEvent, "status" | "reason" | "unconfirmed">>;
  addresses: Record<string, string>;
  outcomes: BatchPlan["outcomes"];
  suppressions: BatchPlan["suppressions"];
  rollup: string[];
  links: BatchPlan["links"];
};

/** The database's side of the plan: the outbox rows and the member address rule. */
function run(batches: PendingEvent[][], start: MailForEvent[]): Effects {
  const state = new Map(start.map((m) => [m.id, { ...m }]));
  const effects: Effects = {
    mails: {},
    addresses: {},
    outcomes: [],
    suppressions: [],
    rollup: [],
    links: [],
  };
  for (const batch of batches) {
    const mails = new Map(
      [...state.values()].map((m) => [
        mailKey({ sesMessageId: `ses-${m.id}`, outboxTag: null }),
        m,
      ]),
    );
    const plan = planBatch(batch, mails);
    for (const { mailId, transition } of plan.moves) {
      const m = state.get(mailId)!;
      m.reason = transition.reason;
      if (transition.status) {
        m.status = transition.status;
        m.unconfirmed = false;
      }
    }
    for (const a of plan.addresses) {
      const key = `${a.tenantId} ${a.address.toLowerCase()}`;
      const now = effects.addresses[key] ?? "unchecked";
      if (a.status !== "ok" || now === "unchecked" || now === "ok")
        effects.addresses[key] = a.status;
    }
    effects.outcomes.push(...plan.outcomes);
    effects.suppressions.push(...plan.suppressions);
    effects.rollup.push(...plan.rollup.map((r) => `${r.tenantId} ${r.column}`));
    effects.links.push(...plan.links);
  }
  for (const [id, m] of state) {
    effects.mails[id] = { status: m.status, reason: m.reason, unconfirmed: m.unconfirmed };
  }
  effects.rollup.sort();
  effects.links.sort((a, b) => a.eventId - b.eventId);
  return effects;
}

describe("planBatch, as a property", () => {
  const kinds = ["Delivery", "Bounce", "Complaint", "Send", "DeliveryDelay", "Open"] as const;
  const arbitraryEvent = fc.record({
    type: fc.constantFrom(...kinds),
    mail: fc.integer({ min: 1, max: 4 }),
    permanent: fc.boolean(),
    at: fc.integer({ min: 0, max: 20 }),
    to: fc.constantFrom("a@example.com", "A@Example.com", "b@example.com"),
  });
  const arbitraryMail = fc.record({
    status: fc.constantFrom<MailStatus>("sending", "sent", "delivered", "bounced", "queued"),
    lane: fc.constantFrom("bulk" as const, "transactional" as const),
    unconfirmed: fc.boolean(),
  });

  it("a batch does what its events one by one in SES's order do, however it is cut", () => {
    fc.assert(
      fc.property(
        fc.array(arbitraryEvent, { minLength: 1, maxLength: 30 }),
        fc.array(arbitraryMail, { minLength: 4, maxLength: 4 }),
        (drawn, mailStates) => {
          const events = drawn.map((d, i) =>
            event(d.type, {
              id: i + 1,
              ses: d.mail === 4 ? "ses-unknown" : `ses-${d.mail}`,
              to: [d.to],
              at: d.at,
              permanent: d.permanent,
            }),
          );
          const start = mailStates.slice(0, 3).map((m, i) => mail(i + 1, m.status, m));
          const inOrder = [...events].sort(
            (a, b) => a.occurredAt!.getTime() - b.occurredAt!.getTime() || a.id - b.id,
          );
          const oneByOne = run(
            inOrder.map((e) => [e]),
            start,
          );
          expect(run([[...events].reverse()], start)).toEqual(oneByOne);
        },
      ),
      { numRuns: 500 },
    );
  });
});
