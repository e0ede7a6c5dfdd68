"use client";

import { useActionState } from "react";
import type { ActionResult } from "@/lib/web/action-result";
import { Alert, Button, Card } from "./ui";

type Action = (prev: unknown, formData: FormData) => Promise<ActionResult<{ code: string }>>;

/** Issues a one-time bypass code and shows it once; only its hash is kept. */
export function BypassCodeCard({ action, memberId }: { action: Action; memberId: string }) {
  const [state, formAction, pending] = useActionState(action, null);
  return (
    <Card>
      <h2 className="font-medium">Login code cannot reach them?</h2>
      <p className="mt-1 text-sm text-slate-700">
        When this member&apos;s login code cannot be sent (no address, a suppressed address, sending
        paused), issue a one-time bypass code. They type it instead of the code after their
        password. It works once, for 24 hours; issuing it is recorded.
      </p>
      <form action={formAction} className="mt-3">
        <input type="hidden" name="id" value={memberId} />
        <Button type="submit" variant="secondary" disabled={pending}>
          {pending ? "Issuing…" : "Issue a bypass code"}
        </Button>
      </form>
      {state && !state.ok && (
        <div className="mt-3">
          <Alert>{state.message}</Alert>
        </div>
      )}
      {state?.ok && state.data && (
        <div className="mt-3 flex flex-col gap-2">
          <p className="font-mono text-2xl tracking-wider" data-testid="bypass-code">
            {state.data.code}
          </p>
          <Alert tone="info">{state.message}</Alert>
        </div>
      )}
    </Card>
  );
}
