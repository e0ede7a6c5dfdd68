"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, type ReactNode } from "react";
import type { CommitOutcome, IssuedCode } from "@/lib/members/import/commit";
import { useConfirm, type ConfirmRequest } from "../confirm-dialog";
import { Alert, Button, Card } from "../ui";
import { ActivationCodes } from "./activation-codes";
import { postWithProgress } from "./ndjson";

type Codes = { codes: IssuedCode[]; codesWorkbook: string | null; signInUrl: string };
type Result = CommitOutcome & Codes;

type Props = {
  commitUrl: string;
  membersUrl: string;
  /** The import as the server last rendered it: once committed, only a result of ours shows. */
  committed: boolean;
  /**
   * What the page says of a commit done before (on a later visit): not beside the result this
   * panel has just shown, which says the same and more.
   */
  committedNote?: ReactNode;
  accepted: number;
  errors: number;
  unappliedSuggestions: number;
};

const n = (value: number) => value.toLocaleString("en");

/** A POST that answers with a progress stream: its phase while it runs, its error, its result. */
function useProgressPost<T>(url: string, after?: () => void) {
  const [phase, setPhase] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<T | null>(null);
  const { ask, dialog } = useConfirm();
  async function run(question: ConfirmRequest) {
    if (!(await ask(question))) return;
    setError(null);
    setPhase("Starting");
    try {
      setResult(await postWithProgress<T>(url, null, {}, (text) => setPhase(text)));
    } catch (failure) {
      setError((failure as Error).message);
    } finally {
      setPhase(null);
      after?.();
    }
  }
  return { phase, error, result, run, dialog };
}

/**
 * The commit button and, after it, the result with the activation codes. The page renders it in
 * the same place whether or not the import is committed, so refreshing the page after the commit
 * (to show the new state) keeps the codes on screen.
 */
export function CommitPanel({
  commitUrl,
  membersUrl,
  committed,
  accepted,
  errors,
  unappliedSuggestions,
  committedNote,
}: Props) {
  const router = useRouter();
  // Either way the page changes (committed, or checked again with new outcomes): refresh it.
  const { phase, error, result, run, dialog } = useProgressPost<Result>(commitUrl, () =>
    router.refresh(),
  );

  const rows = `${n(accepted)} ${accepted === 1 ? "row" : "rows"}`;
  const commit = () =>
    run({
      title: `Add ${rows} to your members now?`,
      description:
        "Their invitations are queued at once and go out as sending is healthy; members without an address get activation codes, shown once." +
        (errors ? ` ${n(errors)} rows with errors are left out.` : "") +
        (unappliedSuggestions
          ? ` ${n(unappliedSuggestions)} rows still carry a typo warning: those addresses are used as written.`
          : ""),
      confirmLabel: `Add ${rows}`,
    });

  if (result) {
    return (
      <Card className="mt-6 print:border-0 print:shadow-none">
        <div role="status" className="print:hidden">
          <h2 className="text-lg font-semibold">
            {result.alreadyCommitted ? "This import was already committed" : "Import committed"}
          </h2>
          <p className="mt-1 text-sm text-slate-700" data-testid="commit-result">
            {n(result.created)} members added, {n(result.updated)} updated, {n(result.unchanged)}{" "}
            unchanged, {n(result.skipped)} rows not imported. {n(result.invitations)} invitations
            queued: they go out as sending is healthy.
            {result.alreadyCommitted && " Nothing was done again."}
          </p>
        </div>
        {result.codes.length > 0 && (
          <ActivationCodes
            codes={result.codes}
            workbook={result.codesWorkbook}
            signInUrl={result.signInUrl}
          />
        )}
        <p className="mt-4 print:hidden">
          <Link className="text-brand-700 underline" href={membersUrl}>
            Go to the member list
          </Link>
        </p>
      </Card>
    );
  }
  if (committed) return committedNote ? <div className="mt-6">{committedNote}</div> : null;

  return (
    <div className="mt-6 flex flex-col gap-2">
      {dialog}
      {error && <Alert>{error}</Alert>}
      <div className="flex flex-wrap items-center gap-3">
        <Button type="button" onClick={commit} disabled={phase !== null || accepted === 0}>
          {phase !== null
            ? "Committing…"
            : `Commit ${n(accepted)} ${accepted === 1 ? "row" : "rows"}`}
        </Button>
        {accepted === 0 && (
          <span className="text-sm text-slate-600">
            No row can be imported yet: fix the errors.
          </span>
        )}
        {accepted > 0 && unappliedSuggestions > 0 && (
          <span className="text-sm text-amber-900" data-testid="typo-warnings-left">
            {n(unappliedSuggestions)}{" "}
            {unappliedSuggestions === 1 ? "row still carries" : "rows still carry"} a typo warning:{" "}
            {unappliedSuggestions === 1 ? "its address is" : "their addresses are"} used as written
            unless you apply the suggested fixes above.
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

/** For an admin who lost the codes shown at commit: new ones, the old ones stop working. */
export function ReissueCodes({ codesUrl, count }: { codesUrl: string; count: number }) {
  const { phase, error, result: issued, run, dialog } = useProgressPost<Codes>(codesUrl);
  const reissue = () =>
    run({
      title: "Issue new activation codes?",
      description:
        "The codes handed out before stop working for every member from this file who has not started yet.",
      confirmLabel: "Issue new codes",
      destructive: true,
    });

  if (issued) {
    return (
      <ActivationCodes
        codes={issued.codes}
        workbook={issued.codesWorkbook}
        signInUrl={issued.signInUrl}
      />
    );
  }
  return (
    <div className="flex flex-col gap-2">
      {dialog}
      <p className="text-sm text-slate-700">
        This import gave {n(count)} members without an address an activation code, shown once at
        commit. Lost the sheet? Issue new codes for those who have not started; the earlier codes
        stop working.
      </p>
      {error && <Alert>{error}</Alert>}
      <div>
        <Button type="button" variant="secondary" onClick={reissue} disabled={phase !== null}>
          {phase !== null ? "Issuing…" : "Issue new activation codes"}
        </Button>
      </div>
    </div>
  );
}
