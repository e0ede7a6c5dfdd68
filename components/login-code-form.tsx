"use client";

import { useActionState } from "react";
import type { ActionState } from "@/lib/web/action-result";
import { Alert, Button, Field } from "./ui";

type Action = (prev: ActionState, formData: FormData) => Promise<ActionState>;

/** The code from the mail, or a bypass code from the administrator. */
export function LoginCodeForm({
  action,
  challenge,
  next,
  bypassOnly,
}: {
  action: Action;
  challenge: string;
  next?: string;
  bypassOnly: boolean;
}) {
  const [state, formAction, pending] = useActionState(action, null);
  const failed = state && !state.ok ? state : undefined;
  return (
    <form action={formAction} className="flex flex-col gap-4" noValidate>
      {failed && <Alert>{failed.message}</Alert>}
      <input type="hidden" name="challenge" value={challenge} />
      {next && <input type="hidden" name="next" value={next} />}
      <Field
        label={bypassOnly ? "Bypass code from your administrator" : "Login code"}
        name="code"
        autoComplete="one-time-code"
        inputMode={bypassOnly ? "text" : "numeric"}
        autoCapitalize="characters"
        spellCheck={false}
        maxLength={64}
        required
        autoFocus
        errors={failed?.fieldErrors?.code}
      />
      <Button type="submit" disabled={pending} aria-busy={pending}>
        {pending ? "Checking…" : "Sign in"}
      </Button>
    </form>
  );
}

/** Asks for a new code; the server keeps the cool-down and says how long is left. */
export function ResendCodeForm({ action, challenge }: { action: Action; challenge: string }) {
  const [state, formAction, pending] = useActionState(action, null);
  return (
    <form action={formAction} className="flex flex-col gap-2">
      <input type="hidden" name="challenge" value={challenge} />
      <Button type="submit" variant="secondary" disabled={pending}>
        {pending ? "Sending…" : "Send a new code"}
      </Button>
      {state && <Alert tone={state.ok ? "info" : "error"}>{state.message}</Alert>}
    </form>
  );
}
