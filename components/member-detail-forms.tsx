"use client";

import { useActionState, useTransition } from "react";
import type { ActionState } from "@/lib/web/action-result";
import type { MemberDetail } from "@/lib/members/members";
import { useConfirm, type ConfirmRequest } from "./confirm-dialog";
import { Alert, Button, Card, Field } from "./ui";

type Action = (prev: ActionState, formData: FormData) => Promise<ActionState>;

export function MemberEditForm({ member, action }: { member: MemberDetail; action: Action }) {
  const [state, formAction, pending] = useActionState(action, null);
  const failed = state && !state.ok ? state : undefined;
  return (
    <Card>
      <form action={formAction} className="flex flex-col gap-4" noValidate>
        {state && <Alert tone={state.ok ? "info" : "error"}>{state.message}</Alert>}
        <input type="hidden" name="id" value={member.id} />
        <Field
          label="Name"
          name="name"
          defaultValue={failed?.values?.name ?? member.name}
          errors={failed?.fieldErrors?.name}
        />
        <Field
          label="E-mail address (optional)"
          name="email"
          type="email"
          spellCheck={false}
          defaultValue={failed?.values?.email ?? member.email ?? ""}
          errors={failed?.fieldErrors?.email}
        />
        <label className="flex items-start gap-2 text-sm text-slate-700">
          <input type="checkbox" name="addressExists" className="mt-1 size-4" />
          <span>This address exists (I have checked it).</span>
        </label>
        <Button type="submit" disabled={pending} aria-busy={pending}>
          {pending ? "Saving…" : "Save"}
        </Button>
      </form>
    </Card>
  );
}

const confirmation = (loginId: string): Record<string, ConfirmRequest> => ({
  disable: {
    title: `Disable ${loginId}?`,
    description: "They are signed out at once and cannot sign in until you enable them again.",
    confirmLabel: `Disable ${loginId}`,
    destructive: true,
  },
  delete: {
    title: `Delete ${loginId} for good?`,
    description:
      "Their account goes, and mail still waiting for them is cancelled. Mail already sent stays on record. This cannot be undone.",
    confirmLabel: `Delete ${loginId}`,
    destructive: true,
  },
});

export function MemberCommands({
  member,
  action,
  addressRefusal,
}: {
  member: MemberDetail;
  action: Action;
  /** Why the stored address is not sent to, when the admin may confirm it exists after all. */
  addressRefusal?: string;
}) {
  const [state, formAction, pending] = useActionState(action, null);
  const { ask, dialog } = useConfirm();
  const [, startTransition] = useTransition();
  const commands: [string, string][] = [
    ...(member.status === "invited" && member.email
      ? [["resend", "Resend invitation"] as [string, string]]
      : []),
    member.status === "disabled" ? ["enable", "Enable"] : ["disable", "Disable"],
    ["delete", "Delete"],
  ];
  return (
    <div className="flex flex-col gap-3">
      {state && <Alert tone={state.ok ? "info" : "error"}>{state.message}</Alert>}
      {dialog}
      <form
        action={formAction}
        onSubmit={async (event) => {
          const submitter = (event.nativeEvent as SubmitEvent)
            .submitter as HTMLButtonElement | null;
          const question = confirmation(member.loginId)[submitter?.value ?? ""];
          if (!question) return;
          event.preventDefault();
          const form = event.currentTarget;
          if (await ask(question)) {
            const formData = new FormData(form, submitter);
            startTransition(() => formAction(formData));
          }
        }}
        className="flex flex-wrap gap-2"
      >
        <input type="hidden" name="id" value={member.id} />
        {addressRefusal && member.status === "invited" && (
          <label className="flex w-full items-start gap-2 text-sm text-slate-700">
            <input type="checkbox" name="addressExists" className="mt-1 size-4" />
            <span>The address is right (I have checked it): resend despite the warning above.</span>
          </label>
        )}
        {commands.map(([op, label]) => (
          <Button
            key={op}
            type="submit"
            name="op"
            value={op}
            variant="secondary"
            disabled={pending}
          >
            {label}
          </Button>
        ))}
      </form>
    </div>
  );
}
