"use client";

import { useActionState } from "react";
import type { ActionState } from "@/lib/web/action-result";
import { Alert, Button, Field } from "./ui";

type Props = { action: (prev: ActionState, formData: FormData) => Promise<ActionState> };

export function ResetRequestForm({ action }: Props) {
  const [state, formAction, pending] = useActionState(action, null);
  if (state?.ok) return <Alert tone="info">{state.message}</Alert>;
  const failed = state && !state.ok ? state : undefined;
  return (
    <form action={formAction} className="flex flex-col gap-4" noValidate>
      {failed && <Alert>{failed.message}</Alert>}
      <Field
        label="Login ID or e-mail address"
        name="identifier"
        autoComplete="username"
        autoCapitalize="none"
        spellCheck={false}
        defaultValue={failed?.values?.identifier}
        errors={failed?.fieldErrors?.identifier}
      />
      <Button type="submit" disabled={pending} aria-busy={pending}>
        {pending ? "Sending…" : "Send me a reset link"}
      </Button>
    </form>
  );
}
