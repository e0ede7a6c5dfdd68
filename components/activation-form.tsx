"use client";

import { useActionState } from "react";
import type { ActionState } from "@/lib/web/action-result";
import { PASSWORD_RULE } from "@/lib/members/password-policy";
import { Alert, Button, Field } from "./ui";

type Props = {
  action: (prev: ActionState, formData: FormData) => Promise<ActionState>;
  /** Without an invitation link the member types their login ID and activation code. */
  withCode: boolean;
  /** Asks for the password in use first (changing a temporary password). */
  withCurrent?: boolean;
  submitLabel?: string;
  /** Carried with the form as it is (the link's token). */
  hidden?: Record<string, string>;
};

/** Choosing a new password: first activation (link or code), a reset link, or a forced change. */
export function ActivationForm({
  action,
  withCode,
  withCurrent,
  submitLabel = "Set password and start",
  hidden = {},
}: Props) {
  const [state, formAction, pending] = useActionState(action, null);
  const failed = state && !state.ok ? state : undefined;
  const errors = failed?.fieldErrors;
  return (
    <form action={formAction} className="flex flex-col gap-4" noValidate>
      {Object.entries(hidden).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      {failed && <Alert>{failed.message}</Alert>}
      {withCode && (
        <>
          <Field
            label="Login ID"
            name="loginId"
            autoComplete="username"
            autoCapitalize="none"
            spellCheck={false}
            defaultValue={failed?.values?.loginId}
            errors={errors?.loginId}
          />
          <Field
            label="Activation code"
            name="code"
            autoComplete="one-time-code"
            autoCapitalize="characters"
            spellCheck={false}
            errors={errors?.code}
          />
        </>
      )}
      {withCurrent && (
        <Field
          label="Current password"
          name="current"
          type="password"
          autoComplete="current-password"
          errors={errors?.current}
        />
      )}
      <Field
        label="New password"
        name="password"
        type="password"
        autoComplete="new-password"
        aria-describedby="password-rule"
        errors={errors?.password}
      />
      <p id="password-rule" className="-mt-2 text-sm text-slate-600">
        {PASSWORD_RULE}
      </p>
      <Field
        label="New password again"
        name="confirm"
        type="password"
        autoComplete="new-password"
        errors={errors?.confirm}
      />
      <Button type="submit" disabled={pending} aria-busy={pending}>
        {pending ? "Saving…" : submitLabel}
      </Button>
    </form>
  );
}
