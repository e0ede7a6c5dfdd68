/** What every server action returns; forms render `message` and `fieldErrors` as they are. */
export type ActionFailure = {
  ok: false;
  message: string;
  fieldErrors?: Record<string, string[] | undefined>;
  /** What was entered, so the form can show it again (React resets forms after an action). */
  values?: Record<string, string>;
  /** One-click fixes per field (a corrected address). */
  suggestions?: Record<string, string>;
};

export type ActionSuccess<T = undefined> = { ok: true; message?: string; data?: T };

export type ActionResult<T = undefined> = ActionSuccess<T> | ActionFailure;

export type ActionState<T = undefined> = ActionResult<T> | null;

/** The answer to a call whose arguments are not a form (a hand-made POST to an action's id). */
export const NOT_A_FORM_MESSAGE = "This form could not be read. Reload the page and send it again.";
