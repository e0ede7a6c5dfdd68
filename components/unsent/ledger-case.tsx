"use client";

import Link from "next/link";
import { useState } from "react";
import type { UnsentCase } from "@/lib/unsent/cases";
import type { LedgerLine } from "@/lib/unsent/view";
import type { ActionState } from "@/lib/web/action-result";
import { ActionForm } from "../action-form";
import { Badge } from "../badge";
import { ConfirmAction } from "../confirm-action";
import { downloadBase64, XLSX_MIME } from "../download";
import { Alert, Button, stacked } from "../ui";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each remedy has its own data
type Remedy = (prev: ActionState<any>, formData: FormData) => Promise<ActionState<any>>;

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

type Issued = { loginId: string; name: string; code?: string; password?: string };
type Shown = { title: string; column: string; items: Issued[]; workbook?: string | null };

/** Codes or passwords shown once, with a download and a print. */
function ShownOnce({ title, column, items, workbook, onClose }: Shown & { onClose: () => void }) {
  return (
    <div
      className="mt-3 rounded-md border border-amber-300 bg-amber-50 p-3"
      data-testid="shown-once"
    >
      <h3 className="font-medium">{title}</h3>
      <p className="text-sm text-slate-700">
        Shown only now: hand each member their login ID and this, or download or print it first.
      </p>
      <div className="mt-2 flex flex-wrap gap-2 print:hidden">
        {workbook && (
          <Button
            type="button"
            onClick={() => downloadBase64(workbook, "activation codes.xlsx", XLSX_MIME)}
          >
            Download (.xlsx)
          </Button>
        )}
        <Button type="button" variant="secondary" onClick={() => window.print()}>
          Print
        </Button>
        <Button type="button" variant="secondary" onClick={onClose}>
          I have handed them over
        </Button>
      </div>
      <table className="mt-2 text-left text-sm">
        <thead>
          <tr>
            <th className="pr-4 font-medium">Login ID</th>
            <th className="pr-4 font-medium">Name</th>
            <th className="pr-4 font-medium">{column}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((i) => (
            <tr key={i.loginId}>
              <td className="pr-4 font-mono">{i.loginId}</td>
              <td className="pr-4">{i.name}</td>
              <td className="pr-4 font-mono tracking-wider">{i.code ?? i.password}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** One case of the ledger: its rows with a selection, and the remedies that fit it. */
export function LedgerCase({
  unsentCase,
  lines,
  remedies,
  memberHref,
}: {
  unsentCase: UnsentCase;
  lines: LedgerLine[];
  remedies: CaseRemedies;
  memberHref: string;
}) {
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const [shown, setShown] = useState<Shown | null>(null);
  const open = lines.filter((l) => !l.resolved);
  const ids = [...selected].filter((id) => open.some((l) => l.mailId === id));
  const count = ids.length;
  const toggle = (id: number) =>
    setSelected((s) => {
      const next = new Set(s);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const after =
    (action: Remedy, show?: (data: unknown) => void): Remedy =>
    async (prev, formData) => {
      const result = await action(prev, formData);
      if (result?.ok) {
        setSelected(new Set());
        show?.(result.data);
      }
      return result;
    };
  const fields = { ids: ids.join(",") };
  const rows = `${count} selected row${count === 1 ? "" : "s"}`;
  return (
    <div>
      {remedies.announce && open.length > 0 && (
        <div className="mb-3">
          <ConfirmAction
            action={remedies.announce}
            variant="secondary"
            label="Announce that sending is back"
            title="Tell everyone that sending is back?"
            description={
              <p>
                Every member finds &ldquo;Sending has been restored&rdquo; in their message box: it
                tells them to ask for a new login code or reset link, since those that could not be
                sent in time were not sent late. It is not sent by e-mail.
              </p>
            }
            confirmLabel="Announce"
          />
        </div>
      )}
      {open.length > 0 && (
        <div className="flex flex-wrap items-center gap-2" data-testid={`remedies-${unsentCase}`}>
          <span className="text-sm text-slate-600" aria-live="polite">
            {count} selected
          </span>
          {remedies.resendInvitations && (
            <ConfirmAction
              available={count > 0}
              action={after(remedies.resendInvitations)}
              fields={fields}
              label="Resend invitation"
              title={`Resend the invitation to ${rows}?`}
              description={
                <p>
                  Each gets a new link to their address now; the old link stops working. It goes out
                  through the same careful sending as all mail.
                </p>
              }
              confirmLabel="Resend"
            />
          )}
          {remedies.activationCodes && (
            <ConfirmAction
              available={count > 0}
              variant="secondary"
              action={after(remedies.activationCodes, (data) => {
                const d = data as { codes: Issued[]; workbook: string | null };
                if (d.codes.length)
                  setShown({
                    title: "Activation codes",
                    column: "Activation code",
                    items: d.codes,
                    workbook: d.workbook,
                  });
              })}
              fields={fields}
              label="Give activation codes"
              title={`Activation codes for ${rows}?`}
              description={
                <p>
                  Each gets a code to start with on paper instead; their invitation links stop
                  working. The codes are shown once.
                </p>
              }
              confirmLabel="Issue codes"
            />
          )}
          {remedies.resetLinks && (
            <ConfirmAction
              available={count > 0}
              action={after(remedies.resetLinks)}
              fields={fields}
              label="Send a new reset link"
              title={`Send a new reset link to ${rows}?`}
              description={
                <p>Each member with a working address gets a link that works once, for an hour.</p>
              }
              confirmLabel="Send"
            />
          )}
          {remedies.temporaryPasswords && (
            <ConfirmAction
              available={count > 0}
              variant="secondary"
              action={after(remedies.temporaryPasswords, (data) => {
                const d = data as { passwords: Issued[] };
                if (d.passwords.length)
                  setShown({
                    title: "Temporary passwords",
                    column: "Temporary password",
                    items: d.passwords,
                  });
              })}
              fields={fields}
              label="Set a temporary password"
              title={`Temporary passwords for ${rows}?`}
              description={
                <p>
                  Their current passwords stop working and they are signed out. Each temporary
                  password is shown once and must be replaced at the next sign-in.
                </p>
              }
              confirmLabel="Set passwords"
              destructive
            />
          )}
          {remedies.bypassCodes && (
            <ConfirmAction
              available={count > 0}
              action={after(remedies.bypassCodes, (data) => {
                const d = data as { codes: Issued[] };
                if (d.codes.length)
                  setShown({ title: "Bypass codes", column: "Bypass code", items: d.codes });
              })}
              fields={fields}
              label="Give a bypass code"
              title={`Bypass codes for ${rows}?`}
              description={
                <p>
                  Each member gets a code to sign in with once, within 24 hours, instead of the
                  login code that did not reach them. The codes are shown once.
                </p>
              }
              confirmLabel="Issue codes"
            />
          )}
          {remedies.renotify && (
            <ConfirmAction
              available={count > 0}
              action={after(remedies.renotify)}
              fields={fields}
              label="Notify again"
              title={`Send a new notice to ${rows}?`}
              description={
                <p>
                  Each member who has not read the message yet gets a new notice by mail, through
                  the same careful sending as all mail.
                </p>
              }
              confirmLabel="Notify"
            />
          )}
          {unsentCase === "message_notice" && (
            <ConfirmAction
              available={count > 0}
              variant="secondary"
              action={after(remedies.markHandled)}
              fields={{ ...fields, kind: "told_another_way" }}
              label="Mark as told another way"
              title={`Mark ${rows} as told another way?`}
              description={
                <p>For members you told about the message yourself. They leave the list.</p>
              }
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
      )}
      {shown && <ShownOnce {...shown} onClose={() => setShown(null)} />}
      <table className={`${stacked.table} mt-3`} data-testid={`ledger-${unsentCase}`}>
        <thead className={stacked.head}>
          <tr>
            <th className="py-1 pr-2">
              <input
                type="checkbox"
                className="size-4"
                aria-label="Select every open row shown"
                checked={open.length > 0 && count === open.length}
                disabled={open.length === 0}
                onChange={(e) =>
                  setSelected(new Set(e.target.checked ? open.map((l) => l.mailId) : []))
                }
              />
            </th>
            <th className="py-1 pr-3 font-medium">Member</th>
            <th className="py-1 pr-3 font-medium">Address</th>
            <th className="py-1 pr-3 font-medium">Why</th>
            <th className="py-1 pr-3 font-medium">Attempts</th>
            <th className="py-1 pr-3 font-medium">First / last attempt</th>
            <th className="py-1 pr-3 font-medium">Member now</th>
            <th className="py-1 pr-3 font-medium">What to do</th>
          </tr>
        </thead>
        <tbody className={stacked.body}>
          {lines.map((l) => (
            <tr key={l.mailId} className={stacked.row} data-testid="ledger-row">
              <td className={stacked.cell}>
                {!l.resolved && (
                  <input
                    type="checkbox"
                    className="size-4"
                    aria-label={`Select ${l.loginId}`}
                    checked={selected.has(l.mailId)}
                    onChange={() => toggle(l.mailId)}
                  />
                )}
              </td>
              <td className={stacked.cell} data-label="Member: ">
                <Link
                  className="font-mono text-brand-700 underline"
                  href={`${memberHref}/${l.memberId}`}
                >
                  {l.loginId}
                </Link>
                {l.name && <div className="text-slate-600">{l.name}</div>}
                {l.subject && <div className="text-xs text-slate-600">Message: {l.subject}</div>}
              </td>
              <td className={`${stacked.cell} break-all`} data-label="Address: ">
                {l.address ?? "none"}
                {l.currentEmail !== l.address && (
                  <div className="text-xs text-slate-600">now: {l.currentEmail ?? "none"}</div>
                )}
                {remedies.fixAddress && !l.resolved && (
                  <details className="mt-1">
                    <summary className="cursor-pointer text-xs text-brand-700 underline">
                      Fix and resend
                    </summary>
                    <ActionForm
                      action={after(remedies.fixAddress)}
                      fields={{ id: l.mailId }}
                      label="Save and resend"
                      className="mt-1 flex flex-col gap-1"
                    >
                      <label className="text-xs" htmlFor={`fix-${l.mailId}`}>
                        Corrected address for {l.loginId}
                      </label>
                      <input
                        id={`fix-${l.mailId}`}
                        name="email"
                        type="email"
                        required
                        defaultValue={l.currentEmail ?? ""}
                        className="min-h-10 rounded-md border border-slate-300 px-2 text-base sm:text-sm"
                      />
                      <label className="flex items-center gap-1 text-xs">
                        <input type="checkbox" name="addressExists" className="size-4" /> This
                        address exists
                      </label>
                    </ActionForm>
                  </details>
                )}
              </td>
              <td className={stacked.cell} data-label="Why: ">
                <Badge tone={l.resolved ? "ok" : "warn"}>{l.resolved ?? l.stateText}</Badge>
                {l.reasonText && <div className="mt-1 text-xs text-slate-600">{l.reasonText}</div>}
              </td>
              <td className={`${stacked.cell} tabular-nums`} data-label="Attempts: ">
                {l.attempts}
              </td>
              <td className={`${stacked.cell} whitespace-nowrap`} data-label="First / last: ">
                {l.first}
                {l.last !== l.first && <div>{l.last}</div>}
              </td>
              <td className={stacked.cell} data-label="Member now: ">
                {l.memberStatus}
              </td>
              <td className={stacked.cell} data-label="What to do: ">
                {l.todo}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {lines.length === 0 && <Alert tone="info">Nothing here for this period and filter.</Alert>}
    </div>
  );
}
