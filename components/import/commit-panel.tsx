"use client";

import Link from "next/link";
import { useState } from "react";
import type { CommitOutcome } from "@/lib/members/import/commit";
import { Alert, Button, Card } from "../ui";
import { downloadBase64, XLSX_MIME } from "../download";
import { postWithProgress } from "./ndjson";

type Result = CommitOutcome & { codesWorkbook: string | null; signInUrl: string };

type Props = {
  commitUrl: string;
  membersUrl: string;
  accepted: number;
  errors: number;
  unappliedSuggestions: number;
};

const SHOWN_CODES = 500;

export function CommitPanel({
  commitUrl,
  membersUrl,
  accepted,
  errors,
  unappliedSuggestions,
}: Props) {
  const [phase, setPhase] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<Result | null>(null);

  async function commit() {
    const question =
      `Add ${accepted.toLocaleString("en")} ${accepted === 1 ? "row" : "rows"} to your members now?` +
      (errors ? ` ${errors.toLocaleString("en")} rows with errors are left out.` : "") +
      (unappliedSuggestions
        ? ` ${unappliedSuggestions} suggested address fixes are not applied: those addresses are used as written.`
        : "");
    if (!window.confirm(question)) return;
    setError(null);
    setPhase("Starting");
    try {
      setResult(await postWithProgress<Result>(commitUrl, null, {}, (text) => setPhase(text)));
    } catch (failure) {
      setError((failure as Error).message);
    } finally {
      setPhase(null);
    }
  }

  if (result) {
    return (
      <Card className="print:border-0 print:shadow-none">
        <div role="status" className="print:hidden">
          <h2 className="text-lg font-semibold">
            {result.alreadyCommitted ? "This import was already committed" : "Import committed"}
          </h2>
          <p className="mt-1 text-sm text-slate-700" data-testid="commit-result">
            {result.created.toLocaleString("en")} members added,{" "}
            {result.updated.toLocaleString("en")} updated, {result.unchanged.toLocaleString("en")}{" "}
            unchanged, {result.skipped.toLocaleString("en")} rows not imported.{" "}
            {result.invitations.toLocaleString("en")} invitations queued: they go out as sending is
            healthy.
            {result.alreadyCommitted && " Nothing was done again."}
          </p>
        </div>
        {result.codes.length > 0 && (
          <div className="mt-4">
            <h3 className="font-medium print:text-xl">Activation codes</h3>
            <Alert tone="info">
              {result.codes.length.toLocaleString("en")} members have no e-mail address. Give each
              their login ID and code; they start at {result.signInUrl}. The codes are shown only
              now and work once, for 30 days: download or print them before you leave this page.
            </Alert>
            <div className="mt-3 flex flex-wrap gap-2 print:hidden">
              <Button
                type="button"
                onClick={() =>
                  downloadBase64(result.codesWorkbook!, "activation codes.xlsx", XLSX_MIME)
                }
              >
                Download the codes (.xlsx)
              </Button>
              <Button type="button" variant="secondary" onClick={() => window.print()}>
                Print the codes
              </Button>
            </div>
            <div className="mt-3 overflow-x-auto">
              <table className="min-w-full text-left text-sm" data-testid="activation-codes">
                <thead>
                  <tr className="border-b border-slate-200">
                    <th className="py-2 pr-4">Login ID</th>
                    <th className="py-2 pr-4">Name</th>
                    <th className="py-2 pr-4">Code</th>
                  </tr>
                </thead>
                <tbody>
                  {result.codes.slice(0, SHOWN_CODES).map((code) => (
                    <tr key={code.loginId} className="border-b border-slate-100 break-inside-avoid">
                      <td className="py-1 pr-4">{code.loginId}</td>
                      <td className="py-1 pr-4">{code.name}</td>
                      <td className="py-1 pr-4 font-mono tracking-widest">{code.code}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {result.codes.length > SHOWN_CODES && (
                <p className="mt-2 text-sm text-slate-600">
                  …and {(result.codes.length - SHOWN_CODES).toLocaleString("en")} more in the
                  download.
                </p>
              )}
            </div>
          </div>
        )}
        <p className="mt-4 print:hidden">
          <Link className="text-brand-700 underline" href={membersUrl}>
            Go to the member list
          </Link>
        </p>
      </Card>
    );
  }

  return (
    <div className="flex flex-col gap-2">
      {error && <Alert>{error}</Alert>}
      <div className="flex flex-wrap items-center gap-3">
        <Button type="button" onClick={commit} disabled={phase !== null || accepted === 0}>
          {phase !== null
            ? "Committing…"
            : `Commit ${accepted.toLocaleString("en")} ${accepted === 1 ? "row" : "rows"}`}
        </Button>
        {accepted === 0 && (
          <span className="text-sm text-slate-600">
            No row can be imported yet: fix the errors.
          </span>
        )}
      </div>
      {phase !== null && (
        <p role="status" aria-live="polite" className="text-sm text-slate-700">
          {phase}…
        </p>
      )}
    </div>
  );
}
