"use client";

import { useActionState } from "react";
import type { ActionState } from "@/lib/web/action-result";

type Props = { action: (prev: ActionState, formData: FormData) => Promise<ActionState> };

export function LogoutButton({ action }: Props) {
  const [, formAction, pending] = useActionState(action, null);
  return (
    <form action={formAction}>
      <button
        type="submit"
        disabled={pending}
        className="min-h-10 rounded-md px-3 text-sm font-medium text-slate-700 hover:bg-slate-100"
      >
        {pending ? "Signing out…" : "Sign out"}
      </button>
    </form>
  );
}
