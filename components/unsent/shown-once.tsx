"use client";

import { downloadBase64, XLSX_MIME } from "../download";
import { Button } from "../ui";

export type Issued = { loginId: string; name: string; code?: string; password?: string };
export type Shown = { title: string; column: string; items: Issued[]; workbook?: string | null };

/** Codes or passwords shown once, with a download and a print. */
export function ShownOnce({
  title,
  column,
  items,
  workbook,
  onClose,
}: Shown & { onClose: () => void }) {
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
