"use client";

import { useActionState, useState } from "react";
import type { ActionState } from "@/lib/web/action-result";
import { Alert, Button, Field } from "../ui";

type Props = {
  action: (prev: ActionState, formData: FormData) => Promise<ActionState>;
  /** The audience's own fields, carried as they came. */
  audience: Record<string, string>;
  recipients: number;
};

const MODES = [
  ["now", "Now (a notice goes at once)"],
  ["after_1h", "Only if still unread after 1 hour"],
  ["after_1d", "Only if still unread after 1 day"],
  ["never", "Never (the message is in their box only)"],
] as const;

/** Subject, body and notice mode; the recipients come from the page's audience. */
export function ComposeForm({ action, audience, recipients }: Props) {
  const [state, formAction, pending] = useActionState(action, null);
  const failed = state && !state.ok ? state : undefined;
  const errors = failed?.fieldErrors;
  // Controlled, so a refusal never empties what was typed (React resets uncontrolled fields).
  const [subject, setSubject] = useState("");
  const [body, setBody] = useState("");
  const [mode, setMode] = useState("now");
  return (
    <form action={formAction} className="flex flex-col gap-4" noValidate>
      {failed && <Alert>{failed.message}</Alert>}
      {Object.entries(audience).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <Field
        label="Subject"
        name="subject"
        maxLength={200}
        required
        value={subject}
        onChange={(e) => setSubject(e.target.value)}
        errors={errors?.subject}
      />
      <div className="flex flex-col gap-1">
        <label htmlFor="field-body" className="text-sm font-medium text-slate-700">
          Message
        </label>
        <textarea
          id="field-body"
          name="body"
          rows={10}
          required
          value={body}
          onChange={(e) => setBody(e.target.value)}
          aria-invalid={errors?.body ? true : undefined}
          aria-describedby="field-body-help"
          className={`rounded-md border bg-white px-3 py-2 text-base sm:text-sm ${errors?.body ? "border-red-500" : "border-slate-300"}`}
        />
        <p id="field-body-help" className="text-sm text-slate-600">
          Plain text, up to 20,000 characters. Line breaks and links are kept.
        </p>
        {errors?.body && <p className="text-sm text-red-700">{errors.body.join(" ")}</p>}
      </div>
      <fieldset className="flex flex-col gap-2">
        <legend className="text-sm font-medium text-slate-700">Tell them by e-mail</legend>
        {MODES.map(([value, label]) => (
          <label key={value} className="flex min-h-8 items-center gap-2 text-sm">
            <input
              type="radio"
              name="noticeMode"
              value={value}
              checked={mode === value}
              onChange={() => setMode(value)}
              className="size-4"
            />
            {label}
          </label>
        ))}
        <p className="text-sm text-slate-600">
          A notice only says that a message is waiting, with a link; it goes through the same checks
          as all mail. A delayed notice is cancelled for whoever reads the message first.
        </p>
      </fieldset>
      <Button type="submit" disabled={pending || recipients === 0} aria-busy={pending}>
        {pending
          ? "Sending…"
          : `Send to ${recipients.toLocaleString("en")} member${recipients === 1 ? "" : "s"}`}
      </Button>
    </form>
  );
}
