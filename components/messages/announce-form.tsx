"use client";

import * as AlertDialog from "@radix-ui/react-alert-dialog";
import { useActionState, useState } from "react";
import type { ActionState } from "@/lib/web/action-result";
import { Alert, Button, Field } from "../ui";

type Props = {
  action: (prev: ActionState, formData: FormData) => Promise<ActionState>;
  initial: { subject: string; body: string };
};

/** An announcement to every organisation, sent only after a confirmation dialog. */
export function AnnounceForm({ action, initial }: Props) {
  const [state, formAction, pending] = useActionState(action, null);
  const [subject, setSubject] = useState(initial.subject);
  const [body, setBody] = useState(initial.body);
  const [email, setEmail] = useState(false);
  const [open, setOpen] = useState(false);
  const failed = state && !state.ok ? state : undefined;
  return (
    <form id="announce" action={formAction} className="flex flex-col gap-4" noValidate>
      {state && <Alert tone={state.ok ? "info" : "error"}>{state.message}</Alert>}
      <Field
        label="Subject"
        name="subject"
        value={subject}
        onChange={(e) => setSubject(e.target.value)}
        errors={failed?.fieldErrors?.subject}
      />
      <div className="flex flex-col gap-1">
        <label htmlFor="announce-body" className="text-sm font-medium text-slate-700">
          Announcement
        </label>
        <textarea
          id="announce-body"
          name="body"
          rows={8}
          value={body}
          onChange={(e) => setBody(e.target.value)}
          className="rounded-md border border-slate-300 bg-white px-3 py-2 text-base sm:text-sm"
        />
        {failed?.fieldErrors?.body && (
          <p className="text-sm text-red-700">{failed.fieldErrors.body.join(" ")}</p>
        )}
      </div>
      <label className="flex items-start gap-2 text-sm text-slate-700">
        <input
          type="checkbox"
          name="email"
          checked={email}
          onChange={(e) => setEmail(e.target.checked)}
          className="mt-1 size-4"
        />
        <span>Also send it by e-mail (bulk mail, paced by the guard like all mail).</span>
      </label>
      <AlertDialog.Root open={open} onOpenChange={setOpen}>
        <AlertDialog.Trigger asChild>
          <Button type="button" disabled={pending}>
            {pending ? "Announcing…" : "Announce to every organisation"}
          </Button>
        </AlertDialog.Trigger>
        <AlertDialog.Portal>
          <AlertDialog.Overlay className="fixed inset-0 bg-slate-900/40" />
          <AlertDialog.Content className="fixed left-1/2 top-1/2 w-[calc(100%-2rem)] max-w-md -translate-x-1/2 -translate-y-1/2 rounded-lg bg-white p-5 shadow-lg">
            <AlertDialog.Title className="text-lg font-semibold">
              Announce to every organisation?
            </AlertDialog.Title>
            <AlertDialog.Description className="mt-2 text-sm text-slate-700">
              Every enabled member of every organisation gets it in their message box
              {email ? ", and by e-mail" : ""}. It cannot be taken back.
            </AlertDialog.Description>
            <div className="mt-4 flex flex-wrap justify-end gap-2">
              <AlertDialog.Cancel asChild>
                <Button variant="secondary">Cancel</Button>
              </AlertDialog.Cancel>
              <Button type="submit" form="announce" onClick={() => setOpen(false)}>
                Announce
              </Button>
            </div>
          </AlertDialog.Content>
        </AlertDialog.Portal>
      </AlertDialog.Root>
    </form>
  );
}
