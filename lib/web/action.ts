import "server-only";
import { unstable_rethrow } from "next/navigation";
import { z } from "zod";
import type { Actor, TenantActor } from "@/lib/auth/actor";
import { cleanForm, CONTROL_FIELD_MESSAGE, CONTROL_FORM_MESSAGE } from "@/lib/input/control";
import { sentenceForIssue } from "@/lib/input/issues";
import { findTenantBySlug, type TenantRef } from "@/lib/tenants/tenants";
import { NOT_A_FORM_MESSAGE, type ActionFailure, type ActionResult } from "./action-result";
import { failureOf } from "./errors";
import { requireAdmin, requireLearner, requireOperator, requirePasswordChanger } from "./guards";

export type { ActionFailure, ActionResult, ActionState, ActionSuccess } from "./action-result";
export { NOT_A_FORM_MESSAGE } from "./action-result";

/**
 * Every exported server action is a public POST endpoint (Next.js, "Data Security"): these wrappers
 * authenticate, resolve the tenant from the slug the page bound (re-verified against the session),
 * parse the form with zod, then act, and map any error to a sentence (lib/web/errors). The handler's
 * own result type comes through: `useActionState(action.bind(null, slug), null)` knows its `data`.
 * The previous state is accepted and ignored: it is the client's to send.
 */
type Handler<I, C, R> = (input: I, ctx: C) => Promise<R>;
type TenantBound<R> = (
  tenantSlug: string,
  prev: unknown,
  formData: FormData,
) => Promise<R | ActionFailure>;
type Unbound<R> = (prev: unknown, formData: FormData) => Promise<R | ActionFailure>;

function parseForm<S extends z.ZodType>(
  schema: S,
  formData: FormData,
): { ok: true; data: z.infer<S> } | { ok: false; failure: ActionFailure } {
  const parsed = schema.safeParse(Object.fromEntries(formData), { error: sentenceForIssue });
  if (parsed.success) return { ok: true, data: parsed.data };
  return {
    ok: false,
    failure: {
      ok: false,
      message: "Check the highlighted fields and try again.",
      fieldErrors: z.flattenError(parsed.error).fieldErrors as Record<string, string[] | undefined>,
      values: enteredValues(formData),
    },
  };
}

const SECRET_FIELD = /password|secret|token|code|current|confirm/i;

/** Echoes entered text back on failure; never secrets, never files, never framework fields. */
function enteredValues(formData: FormData): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, value] of formData) {
    if (typeof value === "string" && !key.startsWith("$") && !SECRET_FIELD.test(key)) {
      values[key] = value.slice(0, 1_000);
    }
  }
  return values;
}

/** Parses, then acts; redirect() and notFound() pass through: they are control flow, not failures. */
async function act<S extends z.ZodType, R extends ActionResult<unknown>>(
  schema: S,
  formData: FormData,
  handler: (input: z.infer<S>) => Promise<R>,
): Promise<R | ActionFailure> {
  // A hand-made POST (the action's id with any body) reaches here with whatever it encoded;
  // iterating a missing form was a TypeError: a 500 with its stack in the log.
  if (!(formData instanceof FormData)) return { ok: false, message: NOT_A_FORM_MESSAGE };
  // The input boundary: invisible control characters are refused with a sentence, and what is
  // shown again is the text without them, so sending once more goes through.
  const cleaned = cleanForm(formData);
  if (cleaned.dirty.length > 0) {
    return {
      ok: false,
      message: CONTROL_FORM_MESSAGE,
      fieldErrors: Object.fromEntries(cleaned.dirty.map((f) => [f, [CONTROL_FIELD_MESSAGE]])),
      values: enteredValues(cleaned.form),
    };
  }
  const parsed = parseForm(schema, formData);
  if (!parsed.ok) return parsed.failure;
  try {
    const result = await handler(parsed.data);
    // A refusal the handler returns keeps what was typed, like one it throws.
    return result.ok ? result : { ...result, values: enteredValues(formData) };
  } catch (error) {
    unstable_rethrow(error);
    const failure = failureOf(error, "action");
    return {
      ok: false,
      message: failure.message,
      fieldErrors: failure.field ? { [failure.field]: [failure.message] } : undefined,
      suggestions:
        failure.field && failure.suggestion ? { [failure.field]: failure.suggestion } : undefined,
      values: enteredValues(formData),
    };
  }
}

/** A wrapper for actions inside the tenant the page is for, with the guard that says who may act. */
function tenantAction(guard: (tenantSlug: string) => Promise<TenantActor>) {
  return <S extends z.ZodType, R extends ActionResult<unknown>>(
      schema: S,
      handler: Handler<z.infer<S>, TenantActor, R>,
    ): TenantBound<R> =>
    async (tenantSlug, _prev, formData) => {
      const ctx = await guard(String(tenantSlug));
      return act(schema, formData, (input) => handler(input, ctx));
    };
}

/** An admin of the tenant the page is for. */
export const adminAction = tenantAction((slug) => requireAdmin(slug));
/** A member (learner or admin) of the tenant the page is for. */
export const learnerAction = tenantAction((slug) => requireLearner(slug));
/** The one action a member with a temporary password may take: choosing their own. */
export const passwordChangeAction = tenantAction((slug) => requirePasswordChanger(slug));

export function operatorAction<S extends z.ZodType, R extends ActionResult<unknown>>(
  schema: S,
  handler: Handler<z.infer<S>, Actor, R>,
): Unbound<R> {
  return async (_prev, formData) => {
    const actor = await requireOperator();
    return act(schema, formData, (input) => handler(input, actor));
  };
}

/** For what anyone may do on a tenant's public pages (sign in, activate, reset): still parsed. */
export function tenantPublicAction<S extends z.ZodType, R extends ActionResult<unknown>>(
  schema: S,
  handler: Handler<z.infer<S>, TenantRef, R>,
): TenantBound<R> {
  return async (tenantSlug, _prev, formData) => {
    return act(schema, formData, async (input) => {
      const tenant = await findTenantBySlug(String(tenantSlug));
      if (!tenant) {
        return {
          ok: false,
          message: "This organisation does not exist. Check the address.",
        } as ActionFailure;
      }
      return handler(input, tenant);
    });
  };
}

/** For the few actions anyone may call outside a tenant (operator sign-in): still parsed. */
export function publicAction<S extends z.ZodType, R extends ActionResult<unknown>>(
  schema: S,
  handler: (input: z.infer<S>) => Promise<R>,
): Unbound<R> {
  return async (_prev, formData) => act(schema, formData, handler);
}
