import { describe, expect, it } from "vitest";
import { cleanForm, cleanParams, hasControlCharacters, stripControlCharacters } from "./control";

const NUL = "\u0000";

describe("control characters", () => {
  it("finds NUL, the other C0 controls, DEL and the C1 controls", () => {
    for (const c of [
      NUL,
      "\u0001",
      "\u0007",
      "\u000b",
      "\u000c",
      "\u001b",
      "\u007f",
      "\u0085",
      "\u009f",
    ]) {
      expect(hasControlCharacters(`a${c}b`), JSON.stringify(c)).toBe(true);
      expect(stripControlCharacters(`a${c}b`)).toBe("ab");
    }
  });

  it("keeps tab, line feed and carriage return (a message body has lines) and every letter", () => {
    const text = "一行目\r\n\tsecond line — é ñ 😀";
    expect(hasControlCharacters(text)).toBe(false);
    expect(stripControlCharacters(text)).toBe(text);
  });

  it("cleans a form, naming the fields that had some, and leaves files alone", () => {
    const form = new FormData();
    form.append("name", `Ta${NUL}ro`);
    form.append("loginId", "taro.y");
    form.append("tags", `a${NUL}`);
    form.append("tags", "b");
    form.append("file", new Blob(["x"]), "x.csv");
    const { form: clean, dirty } = cleanForm(form);
    expect(dirty).toEqual(["name", "tags"]);
    expect(clean.get("name")).toBe("Taro");
    expect(clean.getAll("tags")).toEqual(["a", "b"]);
    expect(clean.get("file")).toBeInstanceOf(Blob);
  });

  it("cleans query parameters, one value or many", () => {
    const { params, dirty } = cleanParams({
      q: `${NUL}kenji`,
      status: ["ok", `x${NUL}`],
      page: undefined,
    });
    expect(params).toEqual({ q: "kenji", status: ["ok", "x"], page: undefined });
    expect(dirty).toEqual(["q", "status"]);
    expect(cleanParams({ q: "fine" }).dirty).toEqual([]);
  });
});
