/**
 * The boundaries of the house, checked from the imports:
 * - request side: lib/web (and Auth.js's configuration, lib/auth/auth.ts) is the only lib code that
 *   knows Next.js, HTTP or the session; it starts with `import "server-only"`.
 * - service side: the rest of lib/ and db/ takes the tenant and actor as arguments and never reads
 *   the request, so the worker, the benchmarks, the scripts and the tests load it with plain Node.
 * - client components reach no database, no Node built-in and nothing of the request side.
 */
import { describe, expect, it } from "vitest";
import { importsOf, isClientComponent, reachable, resolve, sourceFiles } from "./import-graph";

const files = sourceFiles();
const REQUEST_SIDE = (f: string) => f.startsWith("lib/web/") || f === "lib/auth/auth.ts";
// Types the client forms share with the actions: no code, nothing server-side.
const CLIENT_SAFE_WEB = new Set(["lib/web/action-result.ts"]);

const runtimeImports = (file: string) =>
  importsOf(file)
    .filter((i) => !i.typeOnly)
    .map((i) => ({ ...i, target: resolve(file, i.specifier) }));

describe("the request side", () => {
  it("is where server-only is, and all of it is marked", () => {
    const marked = files.filter((f) =>
      importsOf(f).some((i) => i.specifier === "server-only" && !i.typeOnly),
    );
    expect(marked.filter((f) => !REQUEST_SIDE(f))).toEqual([]);
    const unmarked = files.filter(
      (f) =>
        REQUEST_SIDE(f) &&
        !f.endsWith(".test.ts") &&
        !CLIENT_SAFE_WEB.has(f) &&
        !marked.includes(f),
    );
    expect(unmarked).toEqual([]);
  });

  it("is the only lib code that imports Next.js, Auth.js, app/, components/ or lib/web", () => {
    const offenders: string[] = [];
    for (const file of files.filter(
      (f) =>
        (f.startsWith("lib/") || f.startsWith("db/")) && !REQUEST_SIDE(f) && !f.includes(".test."),
    )) {
      for (const imp of runtimeImports(file)) {
        const t = imp.target;
        const bad =
          ("external" in t && /^(next|next-auth)$/.test(t.external)) ||
          ("file" in t && /^(app|components)\//.test(t.file)) ||
          ("file" in t && t.file.startsWith("lib/web/"));
        if (bad) offenders.push(`${file} imports ${imp.specifier}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});

describe("the service side", () => {
  const entries = files.filter(
    (f) =>
      f === "scripts/worker.ts" ||
      f === "scripts/serve.ts" ||
      // The app's server loads the webhook's lib code in plain Node, beside Next.js's bundle.
      f === "scripts/server.ts" ||
      f === "scripts/replay-incident.ts" ||
      (f.startsWith("scripts/bench/") && !f.endsWith("common.ts")) ||
      (f.startsWith("sim/") && !f.includes(".test.")),
  );

  it("loads in plain Node: the worker, the benchmarks and the simulations reach no server-only", () => {
    expect(entries).toContain("scripts/worker.ts");
    expect(entries).toContain("scripts/bench/import.ts");
    const offenders = entries.flatMap((entry) => {
      const chain = reachable(entry).get("pkg:server-only");
      return chain ? [chain.join(" -> ")] : [];
    });
    expect(offenders).toEqual([]);
  });
});

describe("client components", () => {
  const clients = files.filter(
    (f) => (f.startsWith("components/") || f.startsWith("app/")) && isClientComponent(f),
  );

  it("reach no database, no Node built-in and nothing of the request side", () => {
    expect(clients.length).toBeGreaterThan(5);
    const offenders: string[] = [];
    for (const client of clients) {
      for (const [key, chain] of reachable(client)) {
        const bad =
          key.startsWith("db/") ||
          key === "pkg:postgres" ||
          key === "pkg:server-only" ||
          key.startsWith("pkg:node:") ||
          (key.startsWith("lib/web/") && !CLIENT_SAFE_WEB.has(key));
        if (bad) offenders.push(chain.join(" -> "));
      }
    }
    expect(offenders).toEqual([]);
  });
});
