"use client";

import type { IssuedCode } from "@/lib/members/import/commit";
import { downloadBase64, XLSX_MIME } from "../download";
import { Alert, Button } from "../ui";

/** More than this many are for the download, not for the screen or the printer. */
const SHOWN_CODES = 10_000;

/** Activation codes shown once: a table that prints whole, and the same as a workbook. */
export function ActivationCodes({
  codes,
  workbook,
  signInUrl,
}: {
  codes: readonly IssuedCode[];
  workbook: string | null;
  signInUrl: string;
}) {
  return (
    <div className="mt-4">
      <h3 className="font-medium print:text-xl">Activation codes</h3>
      <Alert tone="info">
        {codes.length.toLocaleString("en")} members have no e-mail address. Give each their login ID
        and code; they start at {signInUrl}. The codes are shown only now and work once, for 30
        days: download or print them before you leave this page.
      </Alert>
      <div className="mt-3 flex flex-wrap gap-2 print:hidden">
        {workbook && (
          <Button
            type="button"
            onClick={() => downloadBase64(workbook, "activation codes.xlsx", XLSX_MIME)}
          >
            Download the codes (.xlsx)
          </Button>
        )}
        {codes.length <= SHOWN_CODES && (
          <Button type="button" variant="secondary" onClick={() => window.print()}>
            Print the codes
          </Button>
        )}
      </div>
      {codes.length <= SHOWN_CODES ? (
        // Scrolls on screen; prints whole.
        <div className="mt-3 max-h-96 overflow-auto print:max-h-none print:overflow-visible">
          <table className="min-w-full text-left text-sm" data-testid="activation-codes">
            <thead>
              <tr className="border-b border-slate-200">
                <th className="py-2 pr-4">Login ID</th>
                <th className="py-2 pr-4">Name</th>
                <th className="py-2 pr-4">Code</th>
              </tr>
            </thead>
            <tbody>
              {codes.map((code) => (
                <tr key={code.loginId} className="break-inside-avoid border-b border-slate-100">
                  <td className="py-1 pr-4">{code.loginId}</td>
                  <td className="py-1 pr-4">{code.name}</td>
                  <td className="py-1 pr-4 font-mono tracking-widest">{code.code}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="mt-3 text-sm text-slate-700">
          That is too many to show or print here: download the workbook and print it from Excel.
        </p>
      )}
    </div>
  );
}
