"use client";

import Link from "next/link";
import { useState } from "react";
import type { UnsentCase } from "@/lib/unsent/cases";
import type { LedgerLine } from "@/lib/unsent/view";
import { ActionForm } from "../action-form";
import { Badge } from "../badge";
import { ConfirmAction } from "../confirm-action";
import { Alert, stacked } from "../ui";
import { SelectionRemedies, type CaseRemedies, type Remedy } from "./selection-remedies";
import { ShownOnce, type Shown } from "./shown-once";

export type { CaseRemedies } from "./selection-remedies";

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
        <SelectionRemedies
          unsentCase={unsentCase}
          remedies={remedies}
          ids={ids}
          after={after}
          onShown={setShown}
        />
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
