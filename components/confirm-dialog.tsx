"use client";

import * as AlertDialog from "@radix-ui/react-alert-dialog";
import { useCallback, useRef, useState, type ReactNode } from "react";
import { Button } from "./ui";

export type ConfirmRequest = {
  title: string;
  /** What will happen, said plainly. */
  description: ReactNode;
  confirmLabel: string;
  /** The confirming button is styled as destructive (delete, disable). */
  destructive?: boolean;
};

/**
 * Asks before a consequential action with an accessible dialog (Radix AlertDialog: focus moves in
 * and back, Escape and Cancel say no), in place of the browser's confirm(): `await ask({...})` is
 * true only when the person chose the named action. Render `dialog` once in the component.
 */
export function useConfirm() {
  const [pending, setPending] = useState<
    (ConfirmRequest & { resolve: (yes: boolean) => void }) | null
  >(null);
  // With no Radix Trigger, Radix does not know where focus was: remember the element that asked.
  const opener = useRef<HTMLElement | null>(null);
  const ask = useCallback((request: ConfirmRequest) => {
    opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    return new Promise<boolean>((resolve) => setPending({ ...request, resolve }));
  }, []);
  const answer = (yes: boolean) => {
    pending?.resolve(yes);
    setPending(null);
  };
  const dialog = (
    <AlertDialog.Root open={pending !== null} onOpenChange={(open) => !open && answer(false)}>
      <AlertDialog.Portal>
        <AlertDialog.Overlay className="fixed inset-0 z-40 bg-slate-900/40" />
        <AlertDialog.Content
          onCloseAutoFocus={(event) => {
            if (!opener.current?.isConnected) return;
            event.preventDefault();
            opener.current.focus();
          }}
          className="fixed top-1/2 left-1/2 z-50 max-h-[calc(100dvh-2rem)] w-[min(32rem,calc(100vw-2rem))] -translate-x-1/2 -translate-y-1/2 overflow-y-auto rounded-lg bg-white p-5 shadow-xl"
        >
          <AlertDialog.Title className="text-lg font-semibold">{pending?.title}</AlertDialog.Title>
          <AlertDialog.Description asChild>
            <div className="mt-2 text-sm text-slate-700">{pending?.description}</div>
          </AlertDialog.Description>
          <div className="mt-4 flex flex-wrap justify-end gap-2">
            <AlertDialog.Cancel asChild>
              <Button type="button" variant="secondary">
                Cancel
              </Button>
            </AlertDialog.Cancel>
            <AlertDialog.Action asChild>
              <Button
                type="button"
                onClick={() => answer(true)}
                className={pending?.destructive ? "bg-red-700 hover:bg-red-800" : undefined}
              >
                {pending?.confirmLabel}
              </Button>
            </AlertDialog.Action>
          </div>
        </AlertDialog.Content>
      </AlertDialog.Portal>
    </AlertDialog.Root>
  );
  return { ask, dialog };
}
