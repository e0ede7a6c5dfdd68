"use client";

import { useRouter } from "next/navigation";
import { useId, useState } from "react";
import { Alert, Button } from "../ui";
import { postWithProgress } from "./ndjson";

type Props = { uploadUrl: string; previewBase: string; maxBytes: number; maxRows: number };

const mb = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;

export function ImportUploadForm({ uploadUrl, previewBase, maxBytes, maxRows }: Props) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [phase, setPhase] = useState<string | null>(null);
  const [fraction, setFraction] = useState<number | undefined>(undefined);
  const fileId = useId();

  async function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const file = form.get("file");
    if (!(file instanceof File) || file.size === 0) {
      setError(
        file instanceof File && file.name
          ? "The file is empty. Add a header row and one row per member, then upload it again."
          : "Choose a CSV or Excel file first.",
      );
      return;
    }
    if (file.size > maxBytes) {
      setError(
        `The file is ${mb(file.size)}, over the limit of ${mb(maxBytes)}. Split it into smaller files and upload them one by one.`,
      );
      return;
    }
    setError(null);
    setPhase("Uploading");
    try {
      const id = await postWithProgress<string>(
        `${uploadUrl}?mode=${encodeURIComponent(String(form.get("mode")))}`,
        file,
        {
          "Content-Type": "application/octet-stream",
          "X-File-Name": encodeURIComponent(file.name),
        },
        (text, part) => {
          setPhase(text);
          setFraction(part);
        },
      );
      setPhase("Opening the preview");
      router.push(`${previewBase}/${id}`);
    } catch (failure) {
      setPhase(null);
      setError((failure as Error).message);
    }
  }

  const busy = phase !== null;
  return (
    <form onSubmit={submit} className="flex flex-col gap-4" aria-busy={busy}>
      <div className="flex flex-col gap-1">
        <label htmlFor={fileId} className="text-sm font-medium text-slate-700">
          Member list (CSV, .xlsx or .xls)
        </label>
        <input
          id={fileId}
          name="file"
          type="file"
          accept=".csv,.txt,.xlsx,.xls,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,application/vnd.ms-excel"
          disabled={busy}
          className="text-sm file:mr-3 file:min-h-10 file:rounded-md file:border file:border-slate-300 file:bg-white file:px-3"
        />
        <p className="text-sm text-slate-600">
          Up to {mb(maxBytes)} and {maxRows.toLocaleString("en")} rows. First row: column names
          (login_id, name, email — or ログインID, 氏名, メールアドレス). E-mail is optional.
        </p>
      </div>
      <fieldset className="flex flex-col gap-2" disabled={busy}>
        <legend className="text-sm font-medium text-slate-700">Members who already exist</legend>
        <label className="flex items-start gap-2 text-sm">
          <input type="radio" name="mode" value="create_only" defaultChecked className="mt-1" />
          <span>
            <span className="font-medium">Create only</span> — rows with a login ID that is already
            taken are not imported.
          </span>
        </label>
        <label className="flex items-start gap-2 text-sm">
          <input type="radio" name="mode" value="create_and_update" className="mt-1" />
          <span>
            <span className="font-medium">Create and update</span> — those rows update the
            member&apos;s name and address.
          </span>
        </label>
      </fieldset>
      {error && <Alert>{error}</Alert>}
      {busy && (
        <div role="status" aria-live="polite" className="flex flex-col gap-1 text-sm">
          <span>{phase}…</span>
          <progress
            className="h-2 w-full max-w-md"
            {...(fraction === undefined ? {} : { value: fraction, max: 1 })}
          />
        </div>
      )}
      <div>
        <Button type="submit" disabled={busy}>
          {busy ? "Checking…" : "Upload and check"}
        </Button>
      </div>
      <p className="text-sm text-slate-600">
        Nothing is added yet: you will see every row&apos;s outcome first.
      </p>
    </form>
  );
}
