"use client";

import { useActionState, useEffect, useState } from "react";
import type { ActionState } from "@/lib/web/action-result";
import { FINAL_STATUSES } from "@/lib/mail/outbox/states";
import { Alert, Button, Card } from "./ui";

type Status = {
  id: number;
  status: string;
  label: string;
  reason: string | null;
  to: string | null;
};

const FINAL = new Set<string>(FINAL_STATUSES);
const POLL_MS = 1_000;
const GIVE_UP_MS = 120_000;

type Props = {
  tenantSlug: string;
  email: string | null;
  action: (
    prev: ActionState<{ id: number }>,
    formData: FormData,
  ) => Promise<ActionState<{ id: number }>>;
};

/** Sends a test mail to the admin and follows it through the pipeline until it settles. */
export function TestMailCard({ tenantSlug, email, action }: Props) {
  const [state, formAction, pending] = useActionState(action, null);
  const [status, setStatus] = useState<Status | null>(null);
  const [pollError, setPollError] = useState<string | null>(null);
  const mailId = state?.ok ? state.data?.id : undefined;

  useEffect(() => {
    if (!mailId) return;
    let stopped = false;
    const started = Date.now();
    const poll = async () => {
      try {
        const res = await fetch(`/t/${tenantSlug}/admin/test-mail/${mailId}`, {
          cache: "no-store",
        });
        if (!res.ok) throw new Error(String(res.status));
        const next = (await res.json()) as Status;
        if (stopped) return;
        setStatus(next);
        setPollError(null);
        if (FINAL.has(next.status) || Date.now() - started > GIVE_UP_MS) return;
      } catch {
        if (stopped) return;
        setPollError("Could not read the mail's state; retrying…");
      }
      setTimeout(() => void (stopped || poll()), POLL_MS);
    };
    void poll();
    return () => {
      stopped = true;
    };
  }, [mailId, tenantSlug]);

  const shown = status && status.id === mailId ? status : null;
  return (
    <Card>
      <h2 className="font-medium">Test mail</h2>
      <p className="mt-1 text-sm text-slate-600">
        {email ? (
          <>
            Sends a mail to <span className="font-medium">{email}</span> through the same checks as
            all your organisation&apos;s mail, and shows where it is.
          </>
        ) : (
          <>Your account has no e-mail address, so there is nowhere to send a test mail.</>
        )}
      </p>
      <form action={formAction} className="mt-3">
        <Button type="submit" disabled={pending || !email} variant="secondary">
          {pending ? "Queuing…" : "Send a test mail to me"}
        </Button>
      </form>
      {state && !state.ok && (
        <div className="mt-3">
          <Alert>{state.message}</Alert>
        </div>
      )}
      {mailId && (
        <div className="mt-3 text-sm" aria-live="polite">
          <p>
            State:{" "}
            <span
              className="font-medium"
              data-testid="test-mail-status"
              data-status={shown?.status ?? "queued"}
            >
              {shown?.label ?? "Queued"}
            </span>
          </p>
          {shown?.reason && <p className="mt-1 text-slate-600">{shown.reason}</p>}
          {pollError && <p className="mt-1 text-amber-700">{pollError}</p>}
        </div>
      )}
    </Card>
  );
}
