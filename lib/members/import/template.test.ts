import { describe, expect, it } from "vitest";
import { workbookBuffer } from "@/lib/export/xlsx";
import { mapHeaders } from "./headers";
import { parseUpload } from "./parse";
import { templateCsv, templateSheets, TEMPLATE_HEADERS } from "./template";

describe("the member-list template", () => {
  it.each(["en", "ja"] as const)(
    "reads back as an upload with every field recognised (%s)",
    async (lang) => {
      const csv = parseUpload({
        name: "t.csv",
        bytes: new TextEncoder().encode(templateCsv(lang)),
      });
      const xlsx = parseUpload({
        name: "t.xlsx",
        bytes: new Uint8Array(await workbookBuffer(templateSheets(lang))),
      });
      for (const parsed of [csv, xlsx]) {
        expect(parsed.headers).toEqual(TEMPLATE_HEADERS[lang]);
        expect(mapHeaders(parsed.headers).columns).toEqual({ loginId: 0, name: 1, email: 2 });
      }
    },
  );
});
