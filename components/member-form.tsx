"use client";

import { useActionState, useRef, useState } from "react";
import type { ActionResult, ActionState } from "@/lib/web/action-result";
import type { AddressAdvice } from "@/lib/members/address-check";
import type { CreatedMember } from "@/lib/members/members";
import { downloadBase64, XLSX_MIME } from "./download";
import { Alert, Button, Card, Field } from "./ui";

/** The member just added; `codeSheet` is the activation code's sheet as .xlsx (base64). */
type Added = CreatedMember & { codeSheet: string | null };

type Props = {
  action: (prev: ActionState<Added>, formData: FormData) => Promise<ActionState<Added>>;
  /** Checks the address as typed when the field loses focus (the same check as adding). */
  checkAddress: (
    prev: ActionState<AddressAdvice[]>,
    formData: FormData,
  ) => Promise<ActionResult<AddressAdvice[]>>;
};

export function MemberForm({ action, checkAddress }: Props) {
  const [state, formAction, pending] = useActionState(action, null);
  const emailRef = useRef<HTMLInputElement>(null);
  // What the last check of the typed address said, and which check is the latest.
  const [advice, setAdvice] = useState<AddressAdvice[]>([]);
  const checking = useRef(0);
  const failed = state && !state.ok ? state : undefined;
  const created = state?.ok ? state.data : undefined;
  const suggestion =
    advice.find((a) => a.suggestion)?.suggestion ?? failed?.suggestions?.email ?? undefined;

  async function checkTyped(value: string) {
    const mine = ++checking.current;
    if (!value.trim()) {
      setAdvice([]);
      return;
    }
    const form = new FormData();
    form.set("email", value);
    try {
      const answer = await checkAddress(null, form);
      if (mine === checking.current) setAdvice(answer.ok ? (answer.data ?? []) : []);
    } catch {
      // The check is a courtesy: adding still checks the address and says what is wrong.
      if (mine === checking.current) setAdvice([]);
    }
  }

  if (created) {
    return (
      <Card>
        <div role="status">
          <h2 className="font-medium">{created.loginId} was added</h2>
          {created.invitedAddress ? (
            <p className="mt-2 text-sm text-slate-700">
              {created.invitation} The link works once, for 7 days.
            </p>
          ) : null}
          {created.invitedAddress && created.addressWarnings.length > 0 ? (
            <ul className="mt-2 list-disc pl-5 text-sm text-amber-800">
              {created.addressWarnings.map((warning) => (
                <li key={warning}>{warning}</li>
              ))}
            </ul>
          ) : null}
          {created.invitedAddress ? null : (
            <div className="mt-2 text-sm text-slate-700">
              <p>
                They have no e-mail address. Give them this activation code with their login ID; it
                is shown only now, and works once, for 30 days, at{" "}
                <span className="font-medium">the organisation&apos;s activation page</span>.
              </p>
              <p className="mt-3 font-mono text-2xl tracking-widest" data-testid="activation-code">
                {created.activationCode}
              </p>
              <div className="mt-3 flex flex-wrap gap-2 print:hidden">
                <Button type="button" variant="secondary" onClick={() => window.print()}>
                  Print this sheet
                </Button>
                {created.codeSheet && (
                  <Button
                    type="button"
                    variant="secondary"
                    onClick={() =>
                      downloadBase64(
                        created.codeSheet!,
                        `activation code ${created.loginId}.xlsx`,
                        XLSX_MIME,
                      )
                    }
                  >
                    Download the sheet (.xlsx)
                  </Button>
                )}
              </div>
            </div>
          )}
        </div>
        <p className="mt-4 text-sm">
          {/* A fresh page: the code above must not linger on screen. */}
          <a className="text-brand-700 underline" href="">
            Add another member
          </a>
        </p>
      </Card>
    );
  }

  return (
    <Card>
      <form action={formAction} noValidate>
        {/* Still while the member is being added: the answer resets the fields to what was sent,
            so a fix, a tick or a typed change made meanwhile would be silently lost. */}
        <fieldset disabled={pending} className="flex min-w-0 flex-col gap-4">
          {failed && <Alert>{failed.message}</Alert>}
          <Field
            label="Login ID"
            name="loginId"
            autoComplete="off"
            autoCapitalize="none"
            spellCheck={false}
            required
            defaultValue={failed?.values?.loginId}
            errors={failed?.fieldErrors?.loginId}
          />
          <Field
            label="Name"
            name="name"
            autoComplete="off"
            defaultValue={failed?.values?.name}
            errors={failed?.fieldErrors?.name}
          />
          <Field
            ref={emailRef}
            label="E-mail address (optional)"
            name="email"
            type="email"
            autoComplete="off"
            spellCheck={false}
            defaultValue={failed?.values?.email}
            errors={failed?.fieldErrors?.email}
            onBlur={(event) => void checkTyped(event.currentTarget.value)}
          />
          <div aria-live="polite">
            {advice.length > 0 && (
              <ul data-testid="address-advice" className="-mt-2 flex flex-col gap-1 text-sm">
                {advice.map((a) => (
                  <li
                    key={a.code}
                    className={a.severity === "error" ? "text-red-700" : "text-amber-800"}
                  >
                    {a.message}
                  </li>
                ))}
              </ul>
            )}
          </div>
          {suggestion && (
            <div>
              <Button
                type="button"
                variant="secondary"
                onClick={() => {
                  // The fixed address needs no advice; a check still on its way is stale.
                  checking.current++;
                  setAdvice([]);
                  if (emailRef.current) emailRef.current.value = suggestion;
                  emailRef.current?.focus();
                }}
              >
                Use {suggestion}
              </Button>
            </div>
          )}
          <label className="flex items-start gap-2 text-sm text-slate-700">
            <input
              type="checkbox"
              name="addressExists"
              className="mt-1 size-4"
              defaultChecked={failed?.values?.addressExists === "on"}
            />
            <span>
              This address exists (I have checked it). Use only when the checks above are wrong.
            </span>
          </label>
          <Button type="submit" disabled={pending} aria-busy={pending}>
            {pending ? "Adding…" : "Add member"}
          </Button>
        </fieldset>
      </form>
    </Card>
  );
}
