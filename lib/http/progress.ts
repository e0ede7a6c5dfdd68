import { UserError } from "@/lib/errors";
import { GENERIC_FAILURE } from "@/lib/errors";

export type ProgressEvent =
  | { type: "progress"; phase: string; done?: number; total?: number }
  | { type: "done"; data: unknown }
  | { type: "error"; message: string };

/**
 * Runs long work and streams its progress as NDJSON, one event per line, ending with `done` or
 * `error`. The page reads the lines as they arrive, so a 100,000-row file shows where it is.
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
        if (error instanceof UserError) send({ type: "error", message: error.message });
        else {
          console.error("[progress]", error);
          send({ type: "error", message: GENERIC_FAILURE });
        }
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
