import { z } from "zod";
import { memberQuerySchema, memberQueryString } from "@/lib/members/list-query";

/** Who a message goes to: everyone, the member table's filters, or members picked on its page. */
export type Audience =
  | { kind: "all" }
  | { kind: "filter"; filter: { status?: string; email?: string; never: boolean; q: string } }
  | { kind: "selected"; ids: string[] };

export const SELECTION_MAX = 500;

const one = (v: unknown) => (Array.isArray(v) ? v[0] : v);

/**
 * The audience as it travels in the compose page's URL and form: `audience`, the member table's
 * own filter parameters, or `ids` (comma-separated). A malformed id is refused, not dropped.
 */
export function parseAudience(
  params: Record<string, unknown>,
): { ok: true; audience: Audience } | { ok: false; message: string } {
  const kind = one(params.audience);
  if (kind === "selected") {
    const raw = String(one(params.ids) ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    if (raw.length === 0) {
      return {
        ok: false,
        message: "No members are selected. Select them on the members page first.",
      };
    }
    if (raw.length > SELECTION_MAX) {
      return { ok: false, message: `Select at most ${SELECTION_MAX} members at a time.` };
    }
    if (raw.some((id) => !z.uuid().safeParse(id).success)) {
      return {
        ok: false,
        message:
          "The selection holds an id that is not a member's. Select the members again on the members page.",
      };
    }
    return { ok: true, audience: { kind: "selected", ids: [...new Set(raw)] } };
  }
  if (kind === "filter") {
    const q = memberQuerySchema.parse(params);
    return {
      ok: true,
      audience: {
        kind: "filter",
        filter: { status: q.status, email: q.email, never: q.never, q: q.q },
      },
    };
  }
  return { ok: true, audience: { kind: "all" } };
}

/** The audience as URL parameters (without the leading `?`). */
export function audienceQuery(audience: Audience): string {
  if (audience.kind === "all") return "audience=all";
  if (audience.kind === "selected") return `audience=selected&ids=${audience.ids.join(",")}`;
  const rest = memberQueryString({
    ...audience.filter,
    status: audience.filter.status as never,
    email: audience.filter.email as never,
  });
  return `audience=filter${rest ? `&${rest.slice(1)}` : ""}`;
}
