"use client";

import { useActionState } from "react";
import type { ActionState } from "@/lib/web/action-result";
import { Alert, Button, Card, Field } from "./ui";

type Action<T> = (prev: ActionState<T>, formData: FormData) => Promise<ActionState<T>>;
type Props = { sendReset: Action<undefined>; temporary: Action<{ password: string }> };

/** Two ways to get a member back in: a reset link by mail, or a temporary password handed over. */
export function MemberAccessForm({ sendReset, temporary }: Props) {
  const [resetState, resetAction, resetPending] = useActionState(sendReset, null);
  const [tempState, tempAction, tempPending] = useActionState(temporary, null);
  const failed = [resetState, tempState].find((s) => s && !s.ok) as
    Extract<ActionState, { ok: false }> | undefined;
  return (
    <Card>
      <form className="flex flex-col gap-4" noValidate>
        {failed && <Alert>{failed.message}</Alert>}
        {resetState?.ok && <Alert tone="info">{resetState.message}</Alert>}
        {tempState?.ok && (
          <div
            role="status"
            className="rounded-md border border-sky-200 bg-sky-50 px-3 py-2 text-sm text-sky-900"
          >
            <p>{tempState.message}</p>
            <p className="mt-2 font-mono text-xl tracking-wider" data-testid="temporary-password">
              {tempState.data?.password}
            </p>
            <p className="mt-1">Shown only now.</p>
          </div>
        )}
        <Field
          label="Member's login ID"
          name="loginId"
          autoComplete="off"
          autoCapitalize="none"
          spellCheck={false}
          errors={failed?.fieldErrors?.loginId}
        />
        <div className="flex flex-wrap gap-2">
          <Button type="submit" formAction={resetAction} disabled={resetPending || tempPending}>
            {resetPending ? "Sending…" : "Send a reset link"}
          </Button>
          <Button
            type="submit"
            variant="secondary"
            formAction={tempAction}
            disabled={resetPending || tempPending}
          >
            {tempPending ? "Setting…" : "Set a temporary password"}
          </Button>
        </div>
      </form>
    </Card>
  );
}
