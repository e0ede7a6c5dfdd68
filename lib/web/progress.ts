import "server-only";
import { failureOf } from "./errors";

export type ProgressEvent =
  | { type: "progress"; phase: string; done?: number; total?: number }
  | { type: "done"; data: unknown }
  | { type: "error"; message: string };

/**
 * Runs long work and streams its progress as NDJSON, one event per line, ending with `done` or
 * `error`. The page reads the lines as they arrive, so a 100,000-row file shows where it is.
 * Authorise and load (404) before calling this: once the stream starts, the answer is a 200.
 */
export function progressResponse<T>(
  work: (
    onProgress: (progress: { phase: string; done?: number; total?: number }) => void,
  ) => Promise<T>,
): Response {
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (event: ProgressEvent) =>
        controller.enqueue(encoder.encode(`${JSON.stringify(event)}\n`));
      try {
        const data = await work((progress) => send({ type: "progress", ...progress }));
        send({ type: "done", data });
      } catch (error) {
        // The status line has gone out already: the failure travels as the stream's last event.
        send({ type: "error", message: failureOf(error, "progress").message });
      }
      controller.close();
    },
  });
  return new Response(stream, {
    headers: {
      "Content-Type": "application/x-ndjson; charset=utf-8",
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
