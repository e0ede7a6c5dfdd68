/**
 * Calls a server action over HTTP as the page's form does once React has loaded: a POST to the
 * page with the action's id in `Next-Action` and the arguments encoded by React's own encodeReply.
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";

type Manifest = {
  node: Record<string, { exportedName?: string; filename?: string }>;
};

/** The id `next build` gave an exported action, from the build's server reference manifest. */
export async function actionId(file: string, exportedName: string): Promise<string> {
  const manifest = JSON.parse(
    await readFile(".next/server/server-reference-manifest.json", "utf8"),
  ) as Manifest;
  const found = Object.entries(manifest.node).find(
    ([, a]) => a.filename === file && a.exportedName === exportedName,
  );
  if (!found) throw new Error(`no server action ${exportedName} in ${file} in .next: rebuild`);
  return found[0];
}

type Encoder = { encodeReply: (value: unknown) => Promise<string | FormData> };

/** The action's arguments as the browser would send them (a bound tenant slug comes first). */
export async function encodeArgs(args: unknown[]): Promise<FormData> {
  // The client half of React's server-function protocol, as Next.js bundles it for its pages.
  const react = createRequire(import.meta.url)(
    "next/dist/compiled/react-server-dom-turbopack/client.node",
  ) as Encoder;
  const encoded = await react.encodeReply(args);
  if (typeof encoded === "string") {
    const form = new FormData();
    form.append("0", encoded);
    return form;
  }
  return encoded;
}

export function formOf(fields: Record<string, string>): FormData {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  return form;
}

/** POSTs the action; the answer's status and where the action redirected to, if it did. */
export async function callAction(
  baseUrl: string,
  pagePath: string,
  id: string,
  args: unknown[],
  cookie: string,
): Promise<{ status: number; redirect: string | null; text: string }> {
  const res = await fetch(`${baseUrl}${pagePath}`, {
    method: "POST",
    redirect: "manual",
    headers: { "next-action": id, origin: baseUrl, cookie, accept: "text/x-component" },
    body: await encodeArgs(args),
  });
  return {
    status: res.status,
    redirect: res.headers.get("x-action-redirect"),
    text: await res.text(),
  };
}
