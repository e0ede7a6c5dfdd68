"use client";

import * as AlertDialog from "@radix-ui/react-alert-dialog";
import { useActionState, useState, type ReactNode } from "react";
import { toast } from "sonner";
import type { ActionState } from "@/lib/web/action-result";
import { Alert, Button } from "./ui";

type Props = {
  action: (prev: ActionState, formData: FormData) => Promise<ActionState>;
  fields?: Record<string, string | number>;
  /** The button that opens the dialog. */
  label: string;
  title: string;
  description: ReactNode;
  confirmLabel: string;
  pendingLabel?: string;
  /** Inputs the dialog asks for (a reason, a confirmation tick). */
  children?: ReactNode;
  destructive?: boolean;
  variant?: "primary" | "secondary";
  /**
   * Whether the action can be taken now. When it stops being possible (it was just taken and the
   * page refreshed around it), the button goes but the answer stays on screen.
   */
  available?: boolean;
};

/**
 * A consequential action behind an accessible confirmation dialog (Radix AlertDialog: focus moves
 * in and back, Escape cancels). A refusal is shown in the dialog, beside what was entered; a
 * success closes it and is announced as a toast.
 */
export function ConfirmAction({
  action,
  fields = {},
  label,
  title,
  description,
  confirmLabel,
  pendingLabel = "Working…",
  children,
  destructive,
  variant = "primary",
  available = true,
}: Props) {
  const [open, setOpen] = useState(false);
  // The dialog closes once the action succeeds; a refusal stays in it, beside what was entered.
  const [state, formAction, pending] = useActionState(
    async (prev: ActionState, formData: FormData) => {
      const result = await action(prev, formData);
      if (result?.ok) {
        setOpen(false);
        // A toast, not a line beside the button: the page refreshes, and what was acted on may go.
        if (result.message) toast.success(result.message);
      }
      return result;
    },
    null,
  );
  return (
    <div className="flex flex-col gap-2">
      <AlertDialog.Root open={open && available} onOpenChange={setOpen}>
        {available && (
          <AlertDialog.Trigger asChild>
            <Button variant={variant} className="self-start">
              {label}
            </Button>
          </AlertDialog.Trigger>
        )}
        <AlertDialog.Portal>
          <AlertDialog.Overlay className="fixed inset-0 z-40 bg-slate-900/40" />
          <AlertDialog.Content className="fixed top-1/2 left-1/2 z-50 max-h-[calc(100dvh-2rem)] w-[min(32rem,calc(100vw-2rem))] -translate-x-1/2 -translate-y-1/2 overflow-y-auto rounded-lg bg-white p-5 shadow-xl">
            <AlertDialog.Title className="text-lg font-semibold">{title}</AlertDialog.Title>
            <AlertDialog.Description asChild>
              <div className="mt-2 text-sm text-slate-700">{description}</div>
            </AlertDialog.Description>
            <form action={formAction} className="mt-4 flex flex-col gap-3">
              {Object.entries(fields).map(([name, value]) => (
                <input key={name} type="hidden" name={name} value={value} />
              ))}
              {children}
              {state && !state.ok && (
                <Alert>
                  {Object.values(state.fieldErrors ?? {})
                    .flat()
                    .join(" ") || state.message}
                </Alert>
              )}
              <div className="flex flex-wrap justify-end gap-2">
                <AlertDialog.Cancel asChild>
                  <Button type="button" variant="secondary">
                    Cancel
                  </Button>
                </AlertDialog.Cancel>
                <Button
                  type="submit"
                  disabled={pending}
                  aria-busy={pending}
                  className={destructive ? "bg-red-700 hover:bg-red-800" : undefined}
                >
                  {pending ? pendingLabel : confirmLabel}
                </Button>
              </div>
            </form>
          </AlertDialog.Content>
        </AlertDialog.Portal>
      </AlertDialog.Root>
    </div>
  );
}
