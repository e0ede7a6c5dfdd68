/**
 * A tenant's bulk sending in words: healthy, limited, resuming or paused, why, since when, by whom,
 * and the next step. Pure: the banner, the health page, the operator panel and the tests all read
 * it from the same facts (DESIGN.md, "Visible and recoverable").
 */
import type { GuardLevel } from "./account-guard";
import type { Breaker } from "./window";

export type SendStateFacts = {
  breaker: Breaker;
  breakerReason: string | null;
  breakerChangedAt: Date | null;
  /** `system` (the breaker), `operator:<login ID>`, `admin:<login ID>`. */
  breakerChangedBy: string | null;
  window: number;
  /** Unconfirmed bulk mail of this tenant in flight now. */
  inFlight: number;
  /** Held mail of this tenant by reason. */
  held: Partial<Record<string, number>>;
  account: {
    /** SES paused sending (SendingPaused, AccountSuspended, or GetAccount says so). */
    sesPaused: boolean;
    bulkStoppedAt: Date | null;
    bulkStoppedReason: string | null;
    guard: GuardLevel;
    /** The account guard stops this tenant's bulk mail (all bulk, or tenants above the account rate). */
    guardStopsTenant: boolean;
    guardReason: string | null;
  };
};

export type SendStateKind = "healthy" | "limited" | "resuming" | "paused";

export type SendState = {
  kind: SendStateKind;
  /** Who paused it, when it is paused: what they can do about it differs. */
  pausedBy: "breaker" | "operator" | "account" | "ses" | null;
  title: string;
  detail: string;
  since: Date | null;
  /** What the admin can do now. */
  nextStep: string;
  /** The admin may resume (only a pause the breaker itself made). */
  canResume: boolean;
  heldTotal: number;
  /** Who changed the tenant's breaker last, as stored (`system`, `operator:<id>`, `admin:<id>`). */
  changedBy: string | null;
  /** The tenant's own breaker, whatever the platform's state in front of it. */
  breaker: Breaker;
};

const who = (changedBy: string | null): SendState["pausedBy"] =>
  changedBy?.startsWith("operator:") ? "operator" : "breaker";

export function describeSendState(f: SendStateFacts): SendState {
  const heldTotal = Object.values(f.held).reduce<number>((a, b) => a + (b ?? 0), 0);
  const held = heldTotal === 1 ? "1 mail is" : `${heldTotal.toLocaleString("en")} mails are`;
  // The breaker's own pause can be resumed even while a platform-wide pause stands in front of it.
  const breakerPause = f.breaker === "open" && who(f.breakerChangedBy) === "breaker";
  const base = {
    heldTotal,
    canResume: breakerPause,
    since: null as Date | null,
    changedBy: f.breakerChangedBy,
    breaker: f.breaker,
  };
  const alsoOwn =
    f.breaker === "open"
      ? ` Your own bulk mail is paused too (${f.breakerReason ?? "by the breaker"})${breakerPause ? ": resume it once the addresses are fixed" : ""}.`
      : "";

  if (f.account.sesPaused) {
    return {
      ...base,
      kind: "paused",
      pausedBy: "ses",
      title: "Paused: SES has paused sending for the whole platform",
      detail: `Amazon SES stopped accepting mail from the platform; ${held} waiting. Nothing is lost: it goes out when SES allows.${alsoOwn}`,
      nextStep: "Nothing for you to do: the platform's operators are on it.",
    };
  }
  if (f.account.bulkStoppedAt) {
    return {
      ...base,
      kind: "paused",
      pausedBy: "account",
      since: f.account.bulkStoppedAt,
      title: "Paused: an operator stopped bulk mail for the whole platform",
      detail: `${f.account.bulkStoppedReason ?? "No reason was given."} Password resets and login codes still go out; ${held} waiting.${alsoOwn}`,
      nextStep: "Nothing for you to do: it resumes when the operators lift the stop.",
    };
  }
  if (f.account.guardStopsTenant) {
    return {
      ...base,
      kind: "paused",
      pausedBy: "account",
      title: "Paused: the platform's bounce or complaint rate is high",
      detail: `${f.account.guardReason ?? "The account guard stopped bulk mail."} Password resets and login codes still go out; ${held} waiting.${alsoOwn}`,
      nextStep:
        f.account.guard === "stop_bulk_above"
          ? "Your list bounces more than the platform's: clean it (see the bounced addresses) to be let through first."
          : "Nothing for you to do: bulk mail resumes by itself when the platform's rate falls.",
    };
  }
  if (f.breaker === "open") {
    const by = who(f.breakerChangedBy);
    return {
      ...base,
      kind: "paused",
      pausedBy: by,
      since: f.breakerChangedAt,
      title:
        by === "operator"
          ? "Paused by an operator"
          : "Paused: too many of your recent mails bounced",
      detail: `${f.breakerReason ?? "No reason was given."} Bulk mail (invitations, notices) waits; password resets and login codes still go out. ${held} waiting.`,
      nextStep:
        by === "operator"
          ? "Ask the platform's operators: they paused it and will resume it."
          : "Fix or remove the addresses that bounced, then resume: sending restarts carefully.",
    };
  }
  if (f.breaker === "half_open") {
    return {
      ...base,
      kind: "resuming",
      pausedBy: null,
      since: f.breakerChangedAt,
      title: "Resuming carefully",
      detail: `Sending restarted ${f.breakerChangedBy?.startsWith("operator:") ? "by an operator" : "after the list was cleaned"}: a few mails at a time (window ${f.window}), and it pauses again at once if they bounce.`,
      nextStep: "Nothing to do: it returns to normal after 20 good deliveries.",
    };
  }
  const waiting = f.held.window_full ?? 0;
  if (waiting > 0) {
    return {
      ...base,
      kind: "limited",
      pausedBy: null,
      title: `Limited by the window: ${f.inFlight} in flight of ${f.window}`,
      detail: `Mail to new addresses goes out a few at a time and waits until earlier ones are confirmed delivered; ${waiting.toLocaleString("en")} waiting. A good list flows within minutes.`,
      nextStep: "Nothing to do unless it bounces: the window grows with every delivery.",
    };
  }
  return {
    ...base,
    kind: "healthy",
    pausedBy: null,
    title: "Healthy",
    detail:
      f.inFlight > 0
        ? `Sending normally: ${f.inFlight} of ${f.window} mails to new addresses awaiting confirmation.`
        : "Sending normally.",
    nextStep: "Nothing to do.",
  };
}
