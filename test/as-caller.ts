/**
 * Calling server actions and route handlers the way Next.js would, as a chosen caller, from a
 * vitest process: the session comes from a real `user_sessions` row (so the whole check in
 * lib/web/session runs), the request-scoped Next.js APIs are stood in for, and whatever the entry
 * point does (returns, redirects, answers 404, responds) comes back as one `Answer`.
 */
import { randomUUID } from "node:crypto";
import { db } from "@/db/client";
import { userSessions } from "@/db/schema";
import type { SessionClaim } from "@/lib/auth/login";

export type Caller = {
  label: string;
  user: {
    id: string;
    role: "operator" | "admin" | "learner";
    tenantId: string | null;
    sessionVersion: number;
  } | null;
};

/** The claim the mocked `auth()` hands out; null for an anonymous visitor. */
export const session: { claim: SessionClaim | null } = { claim: null };

export async function signInAs(caller: Caller): Promise<void> {
  if (!caller.user) {
    session.claim = null;
    return;
  }
  const sid = randomUUID();
  await db.insert(userSessions).values({
    id: sid,
    userId: caller.user.id,
    expiresAt: new Date(Date.now() + 3_600_000),
  });
  session.claim = {
    sid,
    uid: caller.user.id,
    role: caller.user.role,
    tid: caller.user.tenantId,
    sv: caller.user.sessionVersion,
  };
}

export type Answer =
  | { kind: "result"; value: { ok: boolean; message?: string; [k: string]: unknown } }
  | { kind: "redirect"; to: string }
  | { kind: "not_found" }
  | { kind: "response"; status: number; body: string };

/** Runs an entry point and turns its outcome, thrown control flow included, into an Answer. */
export async function answerOf(call: () => Promise<unknown>): Promise<Answer> {
  try {
    const value = await call();
    if (value instanceof Response) {
      return { kind: "response", status: value.status, body: await value.text() };
    }
    return { kind: "result", value: value as Extract<Answer, { kind: "result" }>["value"] };
  } catch (error) {
    const digest = (error as { digest?: unknown }).digest;
    if (typeof digest === "string" && digest.startsWith("NEXT_REDIRECT")) {
      return { kind: "redirect", to: digest.split(";")[2] ?? "" };
    }
    if (digest === "NEXT_HTTP_ERROR_FALLBACK;404") return { kind: "not_found" };
    throw error;
  }
}

/** NUL, other C0 controls, DEL and a C1 control: what the input boundary must turn into a sentence. */
export const POISON = "\u0000\u0001\u0007\u000b\u001b\u007f\u0085";
/**
 * While on, form fields, query parameters, file names and uploaded cells carry POISON: every
 * field, or with `only` the one form field at that index (so the others pass their own checks).
 * `fields` counts the form fields made since it was reset.
 */
export const poisoning: { on: boolean; only?: number; fields: number } = { on: false, fields: 0 };

/** What the fuzz does to one form field, query parameter or route id. */
export type Mutation =
  | { kind: "keep" }
  /** Replaced by this text. */
  | { kind: "text"; value: string }
  /** Left out. */
  | { kind: "drop" }
  /** Sent twice: as it was, then this. */
  | { kind: "twice"; value: string }
  /** A file where text is expected. */
  | { kind: "file"; value: string };

/**
 * While `mutations` is set, every form field, query parameter and route id (not the tenant) takes
 * the next mutation in turn, round the list: the registry's fuzz (authorisation suite).
 */
export const fuzzing: { mutations: Mutation[] | null; used: number } = {
  mutations: null,
  used: 0,
};

function nextMutation(): Mutation {
  const list = fuzzing.mutations;
  if (!list || list.length === 0) return { kind: "keep" };
  return list[fuzzing.used++ % list.length]!;
}

function appendMutated(data: FormData, key: string, value: string): void {
  const m = nextMutation();
  if (m.kind === "keep") data.append(key, value);
  else if (m.kind === "text") data.append(key, m.value);
  else if (m.kind === "twice") {
    data.append(key, value);
    data.append(key, m.value);
  } else if (m.kind === "file") data.append(key, new File([m.value], "fuzz.bin"));
}

export function form(fields: Record<string, string | number>): FormData {
  const data = new FormData();
  if (fuzzing.mutations) {
    for (const [k, v] of Object.entries(fields)) appendMutated(data, k, String(v));
    return data;
  }
  for (const [k, v] of Object.entries(fields)) {
    const index = poisoning.fields++;
    const poisoned = poisoning.on && (poisoning.only === undefined || poisoning.only === index);
    data.append(k, poisoned ? `${String(v).slice(0, 3)}${POISON}${String(v).slice(3)}` : String(v));
  }
  return data;
}

/**
 * Each cell of a CSV body after its header row, poisoned: without NUL, which alone makes a file
 * binary (the upload says so), so that the cells reach the row checks.
 */
const poisonCsv = (body: string) =>
  body
    .split("\n")
    .map((line, i) =>
      i === 0 || line === ""
        ? line
        : line
            .split(",")
            .map((c) => `${c}\u0007\u000b`)
            .join(","),
    )
    .join("\n");

const ORIGIN = "http://localhost:3000";

/** A request as our own pages send it (same origin). */
export function request(
  path: string,
  init: { method?: string; body?: BodyInit; headers?: Record<string, string> } = {},
): Request {
  if (fuzzing.mutations) {
    // Every parameter the URL has, and the ones pages commonly read, mutated in turn.
    const url = new URL(`${ORIGIN}${path}`);
    for (const key of new Set([...url.searchParams.keys(), "q", "page", "cursor"])) {
      const m = nextMutation();
      const value = url.searchParams.get(key);
      if (m.kind === "drop") url.searchParams.delete(key);
      else if (m.kind === "twice") url.searchParams.append(key, m.value);
      else if (m.kind !== "keep") url.searchParams.set(key, m.value);
      else if (value === null) url.searchParams.delete(key);
    }
    return new Request(url, {
      method: init.method ?? "GET",
      body: init.body,
      headers: { origin: ORIGIN, host: "localhost:3000", ...init.headers },
    });
  }
  if (!poisoning.on) {
    return new Request(`${ORIGIN}${path}`, {
      method: init.method ?? "GET",
      body: init.body,
      headers: { origin: ORIGIN, host: "localhost:3000", ...init.headers },
    });
  }
  // Every parameter the URL has, and the ones pages commonly read, carry control characters.
  const url = new URL(`${ORIGIN}${path}`);
  for (const key of new Set([...url.searchParams.keys(), "q", "page", "mode", "status"])) {
    url.searchParams.set(key, `${url.searchParams.get(key) ?? ""}${POISON}`);
  }
  const headers: Record<string, string> = { ...init.headers };
  if (headers["x-file-name"]) headers["x-file-name"] += encodeURIComponent(POISON);
  return new Request(url, {
    method: init.method ?? "GET",
    body: typeof init.body === "string" ? poisonCsv(init.body) : init.body,
    headers: { origin: ORIGIN, host: "localhost:3000", ...headers },
  });
}

/** A route's dynamic segments; while fuzzing, every id but the tenant's takes a mutation's text. */
export const params = <T extends Record<string, string>>(value: T) => {
  if (!fuzzing.mutations) return { params: Promise.resolve(value) };
  const mutated: Record<string, string> = { ...value };
  for (const key of Object.keys(value)) {
    if (key === "tenant") continue;
    const m = nextMutation();
    // A segment is always there and always text: Next.js never hands a route a missing one.
    if (m.kind !== "keep" && m.kind !== "drop") mutated[key] = m.value;
  }
  return { params: Promise.resolve(mutated as T) };
};
