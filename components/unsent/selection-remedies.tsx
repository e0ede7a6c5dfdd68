"use client";

import type { ReactNode } from "react";
import type { UnsentCase } from "@/lib/unsent/cases";
import type { ActionState } from "@/lib/web/action-result";
import { ConfirmAction } from "../confirm-action";
import type { Issued, Shown } from "./shown-once";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each remedy has its own data
export type Remedy = (prev: ActionState<any>, formData: FormData) => Promise<ActionState<any>>;

export type CaseRemedies = {
  markHandled: Remedy;
  resendInvitations?: Remedy;
  fixAddress?: Remedy;
  activationCodes?: Remedy;
  resetLinks?: Remedy;
  temporaryPasswords?: Remedy;
  renotify?: Remedy;
  bypassCodes?: Remedy;
  /** Not per row: the "sending has been restored" announcement to everyone's message box. */
  announce?: Remedy;
};

/** A remedy on the selected rows: its button, its confirmation, and what it shows once done. */
type SelectionRemedy = {
  label: string;
  title: (rows: string) => string;
  description: ReactNode;
  confirmLabel: string;
  secondary?: boolean;
  destructive?: boolean;
  /** Codes or passwords the answer carries, to be shown once. */
  shows?: (data: unknown) => Shown | null;
};

const shownOnce =
  (title: string, column: string, key: "codes" | "passwords") =>
  (data: unknown): Shown | null => {
    const d = data as { codes?: Issued[]; passwords?: Issued[]; workbook?: string | null };
    const items = d[key] ?? [];
    return items.length ? { title, column, items, workbook: d.workbook } : null;
  };

/** In the order the buttons stand; each case shows those its remedies include. */
const SELECTION_REMEDIES: [keyof CaseRemedies, SelectionRemedy][] = [
  [
    "resendInvitations",
    {
      label: "Resend invitation",
      title: (rows) => `Resend the invitation to ${rows}?`,
      description: (
        <p>
          Each gets a new link to their address now; the old link stops working. It goes out through
          the same careful sending as all mail.
        </p>
      ),
      confirmLabel: "Resend",
    },
  ],
  [
    "activationCodes",
    {
      label: "Give activation codes",
      title: (rows) => `Activation codes for ${rows}?`,
      description: (
        <p>
          Each gets a code to start with on paper instead; their invitation links stop working. The
          codes are shown once.
        </p>
      ),
      confirmLabel: "Issue codes",
      secondary: true,
      shows: shownOnce("Activation codes", "Activation code", "codes"),
    },
  ],
  [
    "resetLinks",
    {
      label: "Send a new reset link",
      title: (rows) => `Send a new reset link to ${rows}?`,
      description: (
        <p>Each member with a working address gets a link that works once, for an hour.</p>
      ),
      confirmLabel: "Send",
    },
  ],
  [
    "temporaryPasswords",
    {
      label: "Set a temporary password",
      title: (rows) => `Temporary passwords for ${rows}?`,
      description: (
        <p>
          Their current passwords stop working and they are signed out. Each temporary password is
          shown once and must be replaced at the next sign-in.
        </p>
      ),
      confirmLabel: "Set passwords",
      secondary: true,
      destructive: true,
      shows: shownOnce("Temporary passwords", "Temporary password", "passwords"),
    },
  ],
  [
    "bypassCodes",
    {
      label: "Give a bypass code",
      title: (rows) => `Bypass codes for ${rows}?`,
      description: (
        <p>
          Each member gets a code to sign in with once, within 24 hours, instead of the login code
          that did not reach them. The codes are shown once.
        </p>
      ),
      confirmLabel: "Issue codes",
      shows: shownOnce("Bypass codes", "Bypass code", "codes"),
    },
  ],
  [
    "renotify",
    {
      label: "Notify again",
      title: (rows) => `Send a new notice to ${rows}?`,
      description: (
        <p>
          Each member who has not read the message yet gets a new notice by mail, through the same
          careful sending as all mail.
        </p>
      ),
      confirmLabel: "Notify",
    },
  ],
];

/**
 * The buttons above a case's table: every remedy the case has, for the rows selected, then
 * "told another way" (message notices) and "mark as handled" with a note (every case).
 */
export function SelectionRemedies({
  unsentCase,
  remedies,
  ids,
  after,
  onShown,
}: {
  unsentCase: UnsentCase;
  remedies: CaseRemedies;
  ids: number[];
  /** Wraps a remedy: on success the selection clears and `show` gets the answer's data. */
  after: (action: Remedy, show?: (data: unknown) => void) => Remedy;
  onShown: (shown: Shown) => void;
}) {
  const count = ids.length;
  const fields = { ids: ids.join(",") };
  const rows = `${count} selected row${count === 1 ? "" : "s"}`;
  return (
    <div className="flex flex-wrap items-center gap-2" data-testid={`remedies-${unsentCase}`}>
      <span className="text-sm text-slate-600" aria-live="polite">
        {count} selected
      </span>
      {SELECTION_REMEDIES.map(([key, r]) => {
        const action = remedies[key];
        if (!action) return null;
        return (
          <ConfirmAction
            key={key}
            available={count > 0}
            variant={r.secondary ? "secondary" : "primary"}
            action={after(
              action,
              r.shows &&
                ((data) => {
                  const shown = r.shows!(data);
                  if (shown) onShown(shown);
                }),
            )}
            fields={fields}
            label={r.label}
            title={r.title(rows)}
            description={r.description}
            confirmLabel={r.confirmLabel}
            destructive={r.destructive}
          />
        );
      })}
      {unsentCase === "message_notice" && (
        <ConfirmAction
          available={count > 0}
          variant="secondary"
          action={after(remedies.markHandled)}
          fields={{ ...fields, kind: "told_another_way" }}
          label="Mark as told another way"
          title={`Mark ${rows} as told another way?`}
          description={<p>For members you told about the message yourself. They leave the list.</p>}
          confirmLabel="Mark as told"
        />
      )}
      <ConfirmAction
        available={count > 0}
        variant="secondary"
        action={after(remedies.markHandled)}
        fields={{ ...fields, kind: "handled" }}
        label="Mark as handled"
        title={`Mark ${rows} as handled?`}
        description={<p>They leave the list; the note is kept with who did it and when.</p>}
        confirmLabel="Mark as handled"
      >
        <label className="flex flex-col gap-1 text-sm">
          <span className="font-medium">Note (optional)</span>
          <textarea
            name="note"
            maxLength={500}
            rows={2}
            className="rounded-md border border-slate-300 px-2 py-1"
          />
        </label>
      </ConfirmAction>
    </div>
  );
}
