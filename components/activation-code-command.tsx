"use client";

import * as AlertDialog from "@radix-ui/react-alert-dialog";
import { useActionState, useState } from "react";
import type { ActionState } from "@/lib/web/action-result";
import { downloadBase64, XLSX_MIME } from "./download";
import { Alert, Button } from "./ui";

type Issued = { loginId: string; code: string; sheet: string };

type Props = {
  action: (prev: ActionState<Issued>, formData: FormData) => Promise<ActionState<Issued>>;
  memberId: string;
  loginId: string;
  hasAddress: boolean;
};

/**
 * "Give an activation code instead": asks first (the invitation link stops working), then keeps the
 * code on screen, since it is shown only once.
 */
export function ActivationCodeCommand({ action, memberId, loginId, hasAddress }: Props) {
  const [open, setOpen] = useState(false);
  const [state, formAction, pending] = useActionState(
    async (prev: ActionState<Issued>, formData: FormData) => {
      const result = await action(prev, formData);
      if (result?.ok) setOpen(false);
      return result;
    },
    null,
  );
  const issued = state?.ok ? state.data : undefined;
  return (
    <div className="flex flex-col gap-2">
      <AlertDialog.Root open={open} onOpenChange={setOpen}>
        <AlertDialog.Trigger asChild>
          <Button variant="secondary" className="self-start">
            Give an activation code
          </Button>
        </AlertDialog.Trigger>
        <AlertDialog.Portal>
          <AlertDialog.Overlay className="fixed inset-0 z-40 bg-slate-900/40" />
          <AlertDialog.Content className="fixed top-1/2 left-1/2 z-50 w-[min(32rem,calc(100vw-2rem))] -translate-x-1/2 -translate-y-1/2 rounded-lg bg-white p-5 shadow-xl">
            <AlertDialog.Title className="text-lg font-semibold">
              Give {loginId} an activation code?
            </AlertDialog.Title>
            <AlertDialog.Description className="mt-2 text-sm text-slate-700">
              You hand them the code with their login ID; they start at the activation page.
              {hasAddress
                ? " Their invitation link stops working, and an invitation not sent yet is cancelled. Their address stays."
                : ""}{" "}
              The code is shown only once.
            </AlertDialog.Description>
            <form action={formAction} className="mt-4 flex flex-col gap-3">
              <input type="hidden" name="id" value={memberId} />
              {state && !state.ok && <Alert>{state.message}</Alert>}
              <div className="flex flex-wrap justify-end gap-2">
                <AlertDialog.Cancel asChild>
                  <Button type="button" variant="secondary">
                    Cancel
                  </Button>
                </AlertDialog.Cancel>
                <Button type="submit" disabled={pending} aria-busy={pending}>
                  {pending ? "Making the code…" : "Make the code"}
                </Button>
              </div>
            </form>
          </AlertDialog.Content>
        </AlertDialog.Portal>
      </AlertDialog.Root>
      {issued && (
        <div
          role="status"
          className="rounded-md border border-emerald-200 bg-emerald-50 p-3 text-sm"
        >
          <p>
            Activation code for <span className="font-mono">{issued.loginId}</span> (shown only now,
            works once, for 30 days):
          </p>
          <p className="mt-2 font-mono text-2xl tracking-widest" data-testid="activation-code">
            {issued.code}
          </p>
          <div className="mt-2 flex flex-wrap gap-2 print:hidden">
            <Button type="button" variant="secondary" onClick={() => window.print()}>
              Print
            </Button>
            <Button
              type="button"
              variant="secondary"
              onClick={() =>
                downloadBase64(issued.sheet, `activation code ${issued.loginId}.xlsx`, XLSX_MIME)
              }
            >
              Download the sheet (.xlsx)
            </Button>
          </div>
        </div>
      )}
    </div>
  );
}
