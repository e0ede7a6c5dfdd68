import { describe, expect, it } from "vitest";
import { fromSameOrigin, readLimited } from "./body";

const post = (headers: Record<string, string>, body?: string) =>
  new Request("http://127.0.0.1:3000/x", { method: "POST", headers, body });

describe("fromSameOrigin", () => {
  it("accepts our own pages, directly or behind a proxy", () => {
    expect(fromSameOrigin(post({ origin: "http://localhost:3000", host: "localhost:3000" }))).toBe(
      true,
    );
    expect(
      fromSameOrigin(
        post({
          origin: "https://school.example",
          host: "127.0.0.1:3000",
          "x-forwarded-host": "school.example",
        }),
      ),
    ).toBe(true);
    expect(
      fromSameOrigin(
        post({ origin: "https://school.example", host: "127.0.0.1:3000" }),
        "https://school.example",
      ),
    ).toBe(true);
  });

  it("refuses another site, a missing Origin and a malformed one", () => {
    expect(fromSameOrigin(post({ origin: "https://evil.example", host: "localhost:3000" }))).toBe(
      false,
    );
    expect(fromSameOrigin(post({ host: "localhost:3000" }))).toBe(false);
    expect(fromSameOrigin(post({ origin: "null", host: "localhost:3000" }))).toBe(false);
  });
});

describe("readLimited", () => {
  it("returns the bytes under the limit and null over it, declared or streamed", async () => {
    expect(new TextDecoder().decode((await readLimited(post({}, "hello"), 10))!)).toBe("hello");
    expect(await readLimited(post({}, "x".repeat(11)), 10)).toBeNull();
    expect(await readLimited(post({ "content-length": "999" }, "small"), 10)).toBeNull();
  });
});
