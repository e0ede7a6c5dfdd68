import { describe, expect, it } from "vitest";
import { loginFailureMessage, safeNextPath } from "./messages";

describe("loginFailureMessage", () => {
  it("says how long a lock lasts, in the right number", () => {
    expect(loginFailureMessage("locked:15")).toBe(
      "Too many failed attempts. Sign-in is paused for this login ID; try again in 15 minutes.",
    );
    expect(loginFailureMessage("locked:1")).toMatch(/try again in 1 minute\.$/);
    expect(loginFailureMessage("locked:garbage")).toMatch(/15 minutes/);
  });

  it("never says which of login ID and password was wrong", () => {
    expect(loginFailureMessage("invalid")).toBe(
      "Wrong login ID or password. Check both and try again.",
    );
    expect(loginFailureMessage("anything-else")).toBe(loginFailureMessage("invalid"));
  });

  it("tells a disabled member whom to ask", () => {
    expect(loginFailureMessage("disabled")).toMatch(/Ask your administrator/);
  });
});

describe("safeNextPath", () => {
  it("keeps paths inside the allowed area", () => {
    expect(safeNextPath("/t/sakura/admin", "/t/sakura/")).toBe("/t/sakura/admin");
    expect(safeNextPath("/ops/tenants?x=1", "/ops")).toBe("/ops/tenants?x=1");
  });

  it("refuses everything else", () => {
    for (const next of [
      undefined,
      "",
      "https://evil.example/t/sakura/",
      "//evil.example",
      "/t/sakura//evil.example",
      "/t/sakura/\\evil",
      "/t/northwind/admin",
      "/t/sakura/\nSet-Cookie: x",
    ]) {
      expect(safeNextPath(next, "/t/sakura/"), String(next)).toBeNull();
    }
  });
});
