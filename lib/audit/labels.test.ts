import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ROOT, sourceFiles } from "@/test/import-graph";
import { ACTION_LABELS } from "./labels";

describe("audit action labels", () => {
  it("name in words every action the code writes to the audit log", () => {
    const written = new Set<string>();
    for (const file of sourceFiles().filter((f) => f.startsWith("lib/") && !f.includes(".test."))) {
      const text = readFileSync(`${ROOT}/${file}`, "utf8");
      if (!/audit_?log/i.test(text)) continue;
      // `action: "x.y"`, conditional pairs (`on ? "x.on" : "x.off"`) and raw SQL ('x.y').
      for (const m of text.matchAll(/["']([a-z_]+\.[a-z_]+)["']/g)) {
        if (
          /^(member|members|mail|login|login_codes|announcement|suppression|unsent)\./.test(m[1]!)
        )
          written.add(m[1]!);
      }
    }
    expect(written.size).toBeGreaterThan(20);
    expect([...written].filter((a) => !(a in ACTION_LABELS))).toEqual([]);
  });
});
