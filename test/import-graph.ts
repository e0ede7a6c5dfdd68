/**
 * The project's import graph, read from the source as text: enough to hold the boundaries between
 * request-side and service-side code, client and server code (test/boundaries.test.ts).
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

export const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const SOURCE_DIRS = ["app", "components", "lib", "db", "scripts", "sim", "test", "e2e"];
const SKIP = new Set(["node_modules", ".next", "migrations", ".data"]);

/** Every .ts/.tsx file of the project, relative to the root. */
export function sourceFiles(): string[] {
  const out: string[] = ["instrumentation.ts", "proxy.ts"];
  const walk = (dir: string) => {
    for (const name of readdirSync(path.join(ROOT, dir))) {
      if (SKIP.has(name)) continue;
      const rel = path.join(dir, name);
      if (statSync(path.join(ROOT, rel)).isDirectory()) walk(rel);
      else if (/\.tsx?$/.test(name)) out.push(rel);
    }
  };
  for (const dir of SOURCE_DIRS) if (existsSync(path.join(ROOT, dir))) walk(dir);
  return out;
}

export type Import = { specifier: string; typeOnly: boolean };

const STATIC = /^\s*(import|export)\s+(type\s+)?(?:[\w*\s{},$]*?\s+from\s+)?["']([^"']+)["']/gm;
const DYNAMIC = /\bimport\(\s*["']([^"']+)["']\s*\)/g;

/** The imports of one file; `import type` and `export type` are type-only (erased at build). */
export function importsOf(file: string): Import[] {
  const text = readFileSync(path.join(ROOT, file), "utf8");
  const found: Import[] = [];
  for (const m of text.matchAll(STATIC)) {
    const whole = m[0];
    const braces = /\{([^}]*)\}/.exec(whole)?.[1];
    const allTypes =
      braces !== undefined &&
      !/^\s*(import|export)\s+[\w$]+\s*,/.test(whole) &&
      braces
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean)
        .every((s) => s.startsWith("type "));
    found.push({ specifier: m[3]!, typeOnly: Boolean(m[2]) || allTypes });
  }
  for (const m of text.matchAll(DYNAMIC)) found.push({ specifier: m[1]!, typeOnly: false });
  return found;
}

/** A project file for a specifier, or the bare package / `node:` name when it is not ours. */
export function resolve(from: string, specifier: string): { file: string } | { external: string } {
  let base: string | null = null;
  if (specifier.startsWith("@/")) base = specifier.slice(2);
  else if (specifier.startsWith(".")) base = path.join(path.dirname(from), specifier);
  if (base === null) {
    const parts = specifier.split("/");
    return { external: specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]! };
  }
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, `${base}/index.ts`]) {
    const full = path.join(ROOT, candidate);
    if (existsSync(full) && statSync(full).isFile()) return { file: path.normalize(candidate) };
  }
  return { external: specifier };
}

export const isClientComponent = (file: string) =>
  /^\s*["']use client["']/.test(readFileSync(path.join(ROOT, file), "utf8"));

/**
 * Everything `entry` loads at run time (type-only imports left out), as project files and external
 * names, each with the chain that reaches it.
 */
export function reachable(entry: string): Map<string, string[]> {
  const seen = new Map<string, string[]>([[entry, [entry]]]);
  const queue = [entry];
  while (queue.length) {
    const file = queue.shift()!;
    for (const imp of importsOf(file)) {
      if (imp.typeOnly) continue;
      const target = resolve(file, imp.specifier);
      const key = "file" in target ? target.file : `pkg:${target.external}`;
      if (seen.has(key)) continue;
      seen.set(key, [...seen.get(file)!, key]);
      if ("file" in target) queue.push(target.file);
    }
  }
  return seen;
}
