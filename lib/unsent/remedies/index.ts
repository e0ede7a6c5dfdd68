/**
 * The ledger's remedies, on selected rows (each named by its newest unsent mail). Every mail goes
 * through the outbox, so the guard paces it like all mail; a row resolved meanwhile (reached,
 * handled, or a new mail already on its way) is skipped and counted, never acted on twice: remedies
 * of one tenant take turns on an advisory lock and read the rows again under it. Audited.
 */
export {
  markHandled,
  pauseInFront,
  PASSWORD_LIMIT,
  REMEDY_LIMIT,
  type HandlingKind,
  type RemedyAnswer,
} from "./common";
export * from "./invitations";
export * from "./resets";
export * from "./notices";
