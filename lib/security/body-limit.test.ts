import { describe, expect, it } from "vitest";
import {
  ACTION_BODY_LIMIT_BYTES,
  BODY_LENGTH_REQUIRED,
  BODY_TOO_LARGE,
  refuseOversizedPost,
} from "./body-limit";

/** A form posted as a server action: by Next.js's client or without JavaScript. */
const post = (headers: Record<string, string>) =>
  refuseOversizedPost(
    "POST",
    new Headers({ "content-type": "multipart/form-data; boundary=x", ...headers }),
  );

describe("refuseOversizedPost", () => {
  it("lets through a post up to the limit, and anything that is not a post", () => {
    expect(post({ "content-length": String(ACTION_BODY_LIMIT_BYTES) })).toBeNull();
    expect(post({ "content-length": "0" })).toBeNull();
    expect(post({})).toBeNull();
    expect(
      refuseOversizedPost("GET", new Headers({ "content-length": String(10 * 2 ** 20) })),
    ).toBeNull();
  });

  it("limits server actions however they are posted, and leaves route handlers' uploads alone", () => {
    const over = String(ACTION_BODY_LIMIT_BYTES + 1);
    const as = (headers: Record<string, string>) =>
      refuseOversizedPost("POST", new Headers({ "content-length": over, ...headers }))?.status;
    expect(as({ "next-action": "abc", "content-type": "text/plain;charset=UTF-8" })).toBe(413);
    expect(as({ "content-type": "application/x-www-form-urlencoded" })).toBe(413);
    expect(as({ "content-type": "Multipart/Form-Data; boundary=----x" })).toBe(413);
    // The member import's file upload (its route checks its own limit, IMPORT_MAX_BYTES).
    expect(
      as({ "content-type": "application/octet-stream", "content-length": String(8 * 2 ** 20) }),
    ).toBeUndefined();
  });

  it("answers a post over the limit 413 with a sentence as plain text", async () => {
    const answer = post({ "content-length": String(ACTION_BODY_LIMIT_BYTES + 1) })!;
    expect(answer.status).toBe(413);
    // Exactly text/plain: Next.js's client reads the body as the action's error only then.
    expect(answer.headers.get("content-type")).toBe("text/plain");
    expect(await answer.text()).toBe(BODY_TOO_LARGE);
  });

  it("refuses a streamed post of unstated length, and a length that is not one", async () => {
    const chunked = post({ "transfer-encoding": "chunked" })!;
    expect(chunked.status).toBe(411);
    expect(await chunked.text()).toBe(BODY_LENGTH_REQUIRED);
    expect(post({ "content-length": "12abc" })!.status).toBe(400);
    expect(post({ "content-length": "-1" })!.status).toBe(400);
  });
});
