"use client";

import { useActionState } from "react";
import { toast } from "sonner";
import type { ActionState } from "@/lib/web/action-result";
import { Button } from "./ui";

type Props = {
  action: (prev: ActionState, formData: FormData) => Promise<ActionState>;
  memberId: string;
  suggestion: string;
};

/** The one-click fix of a stored typo: the server works the correction out again from what is stored. */
export function FixAddressButton({ action, memberId, suggestion }: Props) {
  const [state, formAction, pending] = useActionState(
    async (prev: ActionState, formData: FormData) => {
      const result = await action(prev, formData);
      // The row changes under the button once the page refreshes: the answer goes to a toast.
      if (result?.ok && result.message) toast.success(result.message);
      return result;
    },
    null,
  );
  return (
    <form action={formAction} className="flex flex-col gap-1">
      <input type="hidden" name="id" value={memberId} />
      <Button
        type="submit"
        variant="secondary"
        disabled={pending}
        className="min-h-8 self-start px-2 text-xs"
      >
        {pending ? "Fixing…" : `Use ${suggestion}`}
      </Button>
      {state && !state.ok && (
        <p role="alert" className="text-xs text-red-700">
          {state.message}
        </p>
      )}
    </form>
  );
}
