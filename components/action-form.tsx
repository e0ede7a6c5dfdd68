"use client";

import { useActionState, useTransition, type ReactNode } from "react";
import type { ActionState } from "@/lib/web/action-result";
import { useConfirm, type ConfirmRequest } from "./confirm-dialog";
import { Button } from "./ui";

type Props = {
  action: (prev: ActionState, formData: FormData) => Promise<ActionState>;
  fields: Record<string, string | number>;
  label: string;
  pendingLabel?: string;
  /** Asked (in a dialog) before a consequential action; cancelling sends nothing. */
  confirm?: ConfirmRequest;
  variant?: "primary" | "secondary";
  children?: ReactNode;
  className?: string;
  buttonClassName?: string;
  "aria-label"?: string;
};

/** One button (and optional inputs) bound to a server action, with its pending state and answer. */
export function ActionForm({
  action,
  fields,
  label,
  pendingLabel,
  confirm,
  variant = "secondary",
  children,
  className,
  buttonClassName,
  ...rest
}: Props) {
  const [state, formAction, pending] = useActionState(action, null);
  const { ask, dialog } = useConfirm();
  const [, startTransition] = useTransition();
  return (
    <form
      action={formAction}
      className={className}
      onSubmit={async (event) => {
        if (!confirm) return;
        event.preventDefault();
        const form = event.currentTarget;
        if (await ask(confirm)) {
          const formData = new FormData(form);
          startTransition(() => formAction(formData));
        }
      }}
    >
      {dialog}
      {Object.entries(fields).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      {children}
      <Button
        type="submit"
        variant={variant}
        disabled={pending}
        className={buttonClassName}
        aria-label={rest["aria-label"]}
      >
        {pending ? (pendingLabel ?? "Working…") : label}
      </Button>
      {state && (
        <p
          role={state.ok ? "status" : "alert"}
          className={`mt-1 text-sm ${state.ok ? "text-emerald-800" : "text-red-700"}`}
        >
          {state.message}
        </p>
      )}
    </form>
  );
}
