import type { ProgressEvent } from "@/lib/web/progress";

/** Splits what has arrived so far into whole events and the unfinished last line. */
export function takeEvents(buffer: string): { events: ProgressEvent[]; rest: string } {
  const lines = buffer.split("\n");
  const rest = lines.pop() ?? "";
  const events = lines
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as ProgressEvent);
  return { events, rest };
}

export function describe(event: { phase: string; done?: number; total?: number }): string {
  if (event.total === undefined) return event.phase;
  return event.done === undefined
    ? `${event.phase} (${event.total.toLocaleString("en")} rows)`
    : `${event.phase}: ${event.done.toLocaleString("en")} of ${event.total.toLocaleString("en")}`;
}

/**
 * Posts a body and follows the NDJSON progress stream that answers it; resolves with the `done`
 * event's data. XMLHttpRequest, not fetch, because only it reports how much of a large file has
 * been sent.
 */
export function postWithProgress<T>(
  url: string,
  body: Blob | null,
  headers: Record<string, string>,
  onPhase: (text: string, fraction?: number) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    let seen = 0;
    let buffer = "";
    let settled = false;
    const settle = (fn: () => void) => {
      if (!settled) {
        settled = true;
        fn();
      }
    };
    const consume = () => {
      buffer += xhr.responseText.slice(seen);
      seen = xhr.responseText.length;
      const { events, rest } = takeEvents(buffer);
      buffer = rest;
      for (const event of events) {
        if (event.type === "progress") {
          onPhase(
            describe(event),
            event.total && event.done !== undefined ? event.done / event.total : undefined,
          );
        } else if (event.type === "error") settle(() => reject(new Error(event.message)));
        else settle(() => resolve(event.data as T));
      }
    };
    xhr.open("POST", url);
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) {
        onPhase(
          `Uploading: ${Math.round((event.loaded / event.total) * 100)}%`,
          event.loaded / event.total,
        );
      }
    };
    xhr.onprogress = () => {
      if (xhr.status === 200) consume();
    };
    xhr.onload = () => {
      if (xhr.status !== 200) {
        let message = `The server answered ${xhr.status}. Try again.`;
        try {
          message = (JSON.parse(xhr.responseText) as { message?: string }).message ?? message;
        } catch {
          // Not JSON: keep the status sentence.
        }
        settle(() => reject(new Error(message)));
        return;
      }
      consume();
      settle(() =>
        reject(
          new Error(
            "The connection closed before the server finished. Reload the page to see where it got to.",
          ),
        ),
      );
    };
    xhr.onerror = () =>
      settle(() =>
        reject(
          new Error(
            "The connection to Sendwell failed. Check your connection, then reload the page to see whether it went through.",
          ),
        ),
      );
    xhr.send(body);
  });
}
