"use client";

import { useActionState } from "react";
import type { ActionState } from "@/lib/web/action-result";
import { Alert, Button, Field } from "./ui";

type Props = {
  action: (prev: ActionState, formData: FormData) => Promise<ActionState>;
  next?: string;
};

export function LoginForm({ action, next }: Props) {
  const [state, formAction, pending] = useActionState(action, null);
  const failed = state && !state.ok ? state : undefined;
  const errors = failed?.fieldErrors;
  return (
    <form action={formAction} className="flex flex-col gap-4" noValidate>
      {failed && <Alert>{failed.message}</Alert>}
      {next && <input type="hidden" name="next" value={next} />}
      <Field
        label="Login ID"
        name="loginId"
        autoComplete="username"
        autoCapitalize="none"
        spellCheck={false}
        required
        maxLength={200}
        defaultValue={failed?.values?.loginId}
        errors={errors?.loginId}
        autoFocus
      />
      <Field
        label="Password"
        name="password"
        type="password"
        autoComplete="current-password"
        required
        errors={errors?.password}
      />
      <Button type="submit" disabled={pending} aria-busy={pending}>
        {pending ? "Signing in…" : "Sign in"}
      </Button>
    </form>
  );
}
