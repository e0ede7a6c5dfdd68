import "server-only";
import { unstable_rethrow } from "next/navigation";
import { z } from "zod";
import {
  requireAdmin,
  requireLearner,
  requireOperator,
  type Actor,
  type TenantActor,
} from "@/lib/auth/actor";
import { GENERIC_FAILURE, UserError } from "@/lib/errors";

/** What every server action returns; forms render `message` and `fieldErrors` as they are. */
export type ActionResult<T = undefined> =
  | { ok: true; message?: string; data?: T }
  | {
      ok: false;
      message: string;
      fieldErrors?: Record<string, string[] | undefined>;
      /** What was entered, so the form can show it again (React resets forms after an action). */
      values?: Record<string, string>;
      /** One-click fixes per field (a corrected address). */
      suggestions?: Record<string, string>;
    };

export type ActionState<T = undefined> = ActionResult<T> | null;

function parseForm<S extends z.ZodType>(schema: S, formData: FormData) {
  const parsed = schema.safeParse(Object.fromEntries(formData));
  if (parsed.success) return { ok: true as const, data: parsed.data as z.infer<S> };
  const fieldErrors = z.flattenError(parsed.error).fieldErrors as Record<
    string,
    string[] | undefined
  >;
  return {
    ok: false as const,
    result: {
      ok: false as const,
      message: "Check the highlighted fields and try again.",
      fieldErrors,
    },
  };
}

const SECRET_FIELD = /password|secret|token|code/i;

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

async function run<T>(
  formData: FormData,
  act: () => Promise<ActionResult<T>>,
): Promise<ActionResult<T>> {
  const result = await attempt(act);
  return result.ok ? result : { ...result, values: enteredValues(formData) };
}

async function attempt<T>(act: () => Promise<ActionResult<T>>): Promise<ActionResult<T>> {
  try {
    return await act();
  } catch (error) {
    unstable_rethrow(error); // redirect() and notFound() are control flow, not failures
    if (error instanceof UserError) {
      return {
        ok: false,
        message: error.message,
        fieldErrors: error.field ? { [error.field]: [error.message] } : undefined,
        suggestions:
          error.field && error.suggestion ? { [error.field]: error.suggestion } : undefined,
      };
    }
    console.error("[action]", error);
    return { ok: false, message: GENERIC_FAILURE };
  }
}

/**
 * Every exported server action is a public POST endpoint: these wrappers authenticate, resolve the
 * tenant from the slug the page bound (re-verified against the session), parse the form with zod,
 * then act. Use with `action.bind(null, tenantSlug)` and `useActionState`.
 */
export function adminAction<S extends z.ZodType, T = undefined>(
  schema: S,
  handler: (input: z.infer<S>, ctx: TenantActor) => Promise<ActionResult<T>>,
) {
  return async (tenantSlug: string, _prev: ActionState<T>, formData: FormData) => {
    const ctx = await requireAdmin(String(tenantSlug));
    const parsed = parseForm(schema, formData);
    if (!parsed.ok) return { ...parsed.result, values: enteredValues(formData) };
    return run(formData, () => handler(parsed.data, ctx));
  };
}

export function learnerAction<S extends z.ZodType, T = undefined>(
  schema: S,
  handler: (input: z.infer<S>, ctx: TenantActor) => Promise<ActionResult<T>>,
) {
  return async (tenantSlug: string, _prev: ActionState<T>, formData: FormData) => {
    const ctx = await requireLearner(String(tenantSlug));
    const parsed = parseForm(schema, formData);
    if (!parsed.ok) return { ...parsed.result, values: enteredValues(formData) };
    return run(formData, () => handler(parsed.data, ctx));
  };
}

export function operatorAction<S extends z.ZodType, T = undefined>(
  schema: S,
  handler: (input: z.infer<S>, actor: Actor) => Promise<ActionResult<T>>,
) {
  return async (_prev: ActionState<T>, formData: FormData) => {
    const actor = await requireOperator();
    const parsed = parseForm(schema, formData);
    if (!parsed.ok) return { ...parsed.result, values: enteredValues(formData) };
    return run(formData, () => handler(parsed.data, actor));
  };
}

/** For the few actions anyone may call (sign-in): still parsed, still never a stack trace. */
export function publicAction<S extends z.ZodType, T = undefined>(
  schema: S,
  handler: (input: z.infer<S>) => Promise<ActionResult<T>>,
) {
  return async (_prev: ActionState<T>, formData: FormData) => {
    const parsed = parseForm(schema, formData);
    if (!parsed.ok) return { ...parsed.result, values: enteredValues(formData) };
    return run(formData, () => handler(parsed.data));
  };
}
