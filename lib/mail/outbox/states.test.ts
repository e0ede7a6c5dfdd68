import { describe, expect, it } from "vitest";
import { mailStatuses, type MailStatus } from "@/db/schema/mail";
import { sesTransition, type MailForEvent } from "./feedback";
import { CANCELS, FINAL_STATUSES, movesForward, WAITING } from "./states";

const ORDER: MailStatus[] = ["sending", "sent", "delivered", "bounced", "complained"];

describe("movesForward", () => {
  it("moves a sent mail forward along sending < sent < delivered < bounced < complained, never back", () => {
    for (const from of mailStatuses) {
      for (const to of mailStatuses) {
        const expected =
          ORDER.includes(from) && ORDER.includes(to) && ORDER.indexOf(to) > ORDER.indexOf(from);
        expect(movesForward(from, to), `${from} -> ${to}`).toBe(expected);
      }
    }
  });
});

describe("the state sets", () => {
  it("keep waiting and final apart, and cancel only waiting mail (blocked too when the member is gone)", () => {
    for (const s of WAITING) expect(FINAL_STATUSES).not.toContain(s);
    expect([...CANCELS.superseded]).toEqual(["queued", "held"]);
    expect([...CANCELS.member_deleted]).toEqual(["queued", "held", "blocked"]);
    for (const list of Object.values(CANCELS)) expect(list).not.toContain("sending");
  });
});

describe("sesTransition", () => {
  const mail = (status: MailStatus, reason: string | null = null): MailForEvent => ({
    id: 1,
    tenantId: "t",
    category: "invitation",
    lane: "bulk",
    status,
    reason,
    unconfirmed: true,
  });

  it("resolves a sent mail as delivered, bounced or complained, with the reason in words", () => {
    expect(sesTransition(mail("sent"), { kind: "delivered" })).toEqual({
      status: "delivered",
      reason: null,
      moved: true,
    });
    expect(sesTransition(mail("sent"), { kind: "bounced", subType: "NoEmail" })).toEqual({
      status: "bounced",
      reason: "bounce:NoEmail",
      moved: true,
    });
    expect(sesTransition(mail("delivered"), { kind: "complained" })).toMatchObject({
      status: "complained",
      reason: "complaint",
    });
  });

  it("ignores a late delivery after a bounce, and any outcome for mail that never left", () => {
    expect(sesTransition(mail("bounced"), { kind: "delivered" })).toBeNull();
    for (const status of ["queued", "held", "blocked", "cancelled", "failed"] as const) {
      expect(sesTransition(mail(status), { kind: "bounced", subType: null })).toBeNull();
      expect(sesTransition(mail(status), { kind: "soft_bounce", subType: null })).toBeNull();
    }
  });

  it("notes a soft bounce in the reason, counting it as a move only the first time", () => {
    expect(sesTransition(mail("sent"), { kind: "soft_bounce", subType: "MailboxFull" })).toEqual({
      status: null,
      reason: "soft_bounce:MailboxFull",
      moved: true,
    });
    expect(
      sesTransition(mail("sent", "soft_bounce:General"), { kind: "soft_bounce", subType: null }),
    ).toMatchObject({ moved: false });
  });
});
