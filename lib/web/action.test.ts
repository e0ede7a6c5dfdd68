import { beforeEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";

const requireAdmin = vi.fn();
vi.mock("./guards", () => ({
  requireAdmin: (slug: string) => requireAdmin(slug),
  requireLearner: vi.fn(),
  requireOperator: vi.fn(),
}));

const { adminAction, publicAction, NOT_A_FORM_MESSAGE } = await import("./action");
const { UserError, GENERIC_FAILURE } = await import("@/lib/errors");

const ctx = {
  actor: { userId: "u1", role: "admin" },
  tenant: { id: "t1", slug: "sakura", name: "Sakura" },
};
const schema = z.object({
  name: z.string().min(1, "Enter a name."),
  count: z.coerce.number().int(),
});

function form(fields: Record<string, string>) {
  const data = new FormData();
  for (const [k, v] of Object.entries(fields)) data.append(k, v);
  return data;
}

describe("adminAction", () => {
  beforeEach(() => {
    requireAdmin.mockReset();
    requireAdmin.mockResolvedValue(ctx);
  });

  it("authorises with the bound tenant slug before anything else", async () => {
    const handler = vi.fn();
    requireAdmin.mockRejectedValue(new Error("NEXT_NOT_FOUND"));
    const action = adminAction(schema, handler);
    await expect(action("northwind", null, form({ name: "x", count: "1" }))).rejects.toThrow(
      "NEXT_NOT_FOUND",
    );
    expect(requireAdmin).toHaveBeenCalledWith("northwind");
    expect(handler).not.toHaveBeenCalled();
  });

  it("passes parsed, coerced input and the verified tenant to the handler", async () => {
    const handler = vi.fn().mockResolvedValue({ ok: true, message: "Saved." });
    const action = adminAction(schema, handler);
    expect(await action("sakura", null, form({ name: "Taro", count: "3" }))).toEqual({
      ok: true,
      message: "Saved.",
    });
    expect(handler).toHaveBeenCalledWith({ name: "Taro", count: 3 }, ctx);
  });

  it("answers bad input with field errors and the entered values, never secrets", async () => {
    const handler = vi.fn();
    const action = adminAction(schema, handler);
    const result = await action(
      "sakura",
      null,
      form({ name: "", count: "x", password: "hunter2hunter2" }),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.fieldErrors?.name).toEqual(["Enter a name."]);
    expect(result.fieldErrors?.count).toBeDefined();
    expect(result.values).toEqual({ name: "", count: "x" });
    expect(handler).not.toHaveBeenCalled();
  });

  it("shows a UserError's sentence on its field", async () => {
    const action = adminAction(schema, async () => {
      throw new UserError("conflict", "That login ID is taken.", "name");
    });
    const result = await action("sakura", null, form({ name: "Taro", count: "1" }));
    expect(result).toMatchObject({
      ok: false,
      message: "That login ID is taken.",
      fieldErrors: { name: ["That login ID is taken."] },
      values: { name: "Taro", count: "1" },
    });
  });

  it("logs unexpected errors and shows a generic sentence instead of their detail", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const action = adminAction(schema, async () => {
      throw new Error('relation "users" does not exist');
    });
    const result = await action("sakura", null, form({ name: "Taro", count: "1" }));
    expect(result).toMatchObject({ ok: false, message: GENERIC_FAILURE });
    expect(JSON.stringify(result)).not.toMatch(/relation/);
    expect(log).toHaveBeenCalled();
    log.mockRestore();
  });

  it("lets redirects through: they are control flow", async () => {
    const redirect = Object.assign(new Error("NEXT_REDIRECT"), {
      digest: "NEXT_REDIRECT;replace;/x;307;",
    });
    const action = adminAction(schema, async () => {
      throw redirect;
    });
    await expect(action("sakura", null, form({ name: "Taro", count: "1" }))).rejects.toBe(redirect);
  });
});

describe("publicAction", () => {
  it("parses without authenticating", async () => {
    requireAdmin.mockReset();
    const action = publicAction(z.object({ q: z.string().max(3, "Too long.") }), async (input) => ({
      ok: true,
      message: input.q,
    }));
    expect(await action(null, form({ q: "abc" }))).toEqual({ ok: true, message: "abc" });
    expect(await action(null, form({ q: "abcd" }))).toMatchObject({
      ok: false,
      fieldErrors: { q: ["Too long."] },
    });
    expect(requireAdmin).not.toHaveBeenCalled();
  });
});

describe("returned refusals", () => {
  it("keep what was typed, like thrown ones", async () => {
    requireAdmin.mockResolvedValue(ctx);
    const action = adminAction(schema, async () => ({ ok: false, message: "Wrong login ID." }));
    expect(await action("sakura", null, form({ name: "Taro", count: "1" }))).toEqual({
      ok: false,
      message: "Wrong login ID.",
      values: { name: "Taro", count: "1" },
    });
  });
});

describe("a call whose arguments are not a form (a hand-made POST to the action's id)", () => {
  it("gets a sentence, and the handler is never called", async () => {
    requireAdmin.mockReset();
    requireAdmin.mockResolvedValue(ctx);
    const handler = vi.fn();
    const tenant = adminAction(schema, handler) as unknown as (...a: unknown[]) => Promise<unknown>;
    const open = publicAction(schema, handler) as unknown as (...a: unknown[]) => Promise<unknown>;
    for (const args of [
      ["sakura", "x".repeat(1_000)],
      ["sakura", null, "name=x"],
      ["sakura", null, { name: "x" }],
    ])
      expect(await tenant(...args)).toEqual({ ok: false, message: NOT_A_FORM_MESSAGE });
    for (const args of [["x"], [], [null, ["name", "x"]], [null, 42]])
      expect(await open(...args)).toEqual({ ok: false, message: NOT_A_FORM_MESSAGE });
    expect(handler).not.toHaveBeenCalled();
  });
});
