/**
 * The server actions' body limit, applied in proxy.ts before Next.js reads a body. Next.js itself
 * refuses a body over `serverActions.bodySizeLimit` (1 MB when unset, as in next.config.mjs) with a
 * 500 and logs the error's stack: a pasted 2 MB message gave the user "Something went wrong on our
 * side". Here such a post is answered 413 with a sentence instead; Next.js's client throws a plain
 * `text/plain` answer's text as the action's error, so app/error.tsx can show it.
 */
export const ACTION_BODY_LIMIT_BYTES = 1024 * 1024;

export const BODY_TOO_LARGE =
  "What you sent is larger than 1 MB, so it was not saved. Shorten it (a message is at most 20,000 characters) and send it again.";
export const BODY_LENGTH_REQUIRED =
  "What you sent did not say its length, so it was not read. Send it again from the page.";

/**
 * A POST to a page (a server action: with JavaScript posted by fetch, without it as a plain form)
 * whose body is over the limit, or of unstated length (chunked: the limit could not be checked
 * before reading it), gets its answer here; anything else `null`.
 */
export function refuseOversizedPost(method: string, headers: Headers): Response | null {
  if (method !== "POST" || !isActionPost(headers)) return null;
  const length = headers.get("content-length");
  if (length === null) {
    // A browser states the length of every form it posts; only a hand-made request streams one.
    if (!headers.has("transfer-encoding")) return null;
    return sentence(411, BODY_LENGTH_REQUIRED);
  }
  const bytes = Number(length);
  if (!Number.isSafeInteger(bytes) || bytes < 0) return sentence(400, BODY_LENGTH_REQUIRED);
  return bytes > ACTION_BODY_LIMIT_BYTES ? sentence(413, BODY_TOO_LARGE) : null;
}

/**
 * A server action as Next.js's client posts it (a `Next-Action` header) or as a form posts it
 * without JavaScript. Not a route handler's own upload: the member import sends its file as
 * `application/octet-stream`, up to its own, larger limit (IMPORT_MAX_BYTES), and says so itself.
 */
function isActionPost(headers: Headers): boolean {
  if (headers.has("next-action")) return true;
  const type = (headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  return type === "multipart/form-data" || type === "application/x-www-form-urlencoded";
}

// Exactly `text/plain` (no charset): Next.js's client only then reads the body as the error's message.
const sentence = (status: number, text: string) =>
  new Response(text, { status, headers: { "content-type": "text/plain" } });
