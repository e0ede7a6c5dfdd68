/**
 * Patches postgres.js 3.4.9 (run by `postinstall`): a connection that closes with a small write
 * still buffered must fail its queries, not the process.
 *
 * The defect (porsager/postgres #1154, #1208; fixes proposed in PRs #1168 and #1209, unreleased):
 * writes under 1 KiB wait for a `setImmediate(nextWrite)`. When the socket closes first, `closed()`
 * sets `socket = null` and clears the timer without resetting it, so
 * - `nextWrite` later calls `null.write(...)` from the immediate: an uncaught TypeError that ends a
 *   worker or the app (no `try` can catch it);
 * - `nextWriteTimer` stays non-null for good, so the connection never schedules a write again and
 *   every query given to it waits forever: the pool stops answering.
 * `npm run proof:db-loss` (test/faults/db-loss.proof.ts) shows both on the unpatched driver.
 *
 * And the array-type read each new connection makes is started without a handler: a connection
 * closed during it is an unhandled rejection, which also ends a Node process.
 *
 * The patch: `nextWrite` on a closed connection drops the buffered bytes and rejects what was
 * waiting with CONNECTION_CLOSED (catchable; our callers retry), both teardown paths reset the
 * timer and the buffer, and the array-type read's failure is caught (the next connection reads the
 * types again). It checks the version and each replaced text exactly, and fails the install
 * loudly when they do not match: on an upgrade, check whether the release fixed it and drop this.
 */
import { readFileSync, writeFileSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { createRequire } from "node:module";

const MARK = "/* sendwell: patched nextWrite (postgres #1154/#1208), v3 */";
const VERSION = "3.4.9";

const replacements = [
  {
    from: `  function nextWrite(fn) {
    const x = socket.write(chunk, fn)`,
    to: `  function nextWrite(fn) { ${MARK}
    if (!socket) {
      nextWriteTimer !== null && clearImmediate(nextWriteTimer)
      chunk = nextWriteTimer = null
      error(Errors.connection('CONNECTION_CLOSED', options))
      return false
    }
    const x = socket.write(chunk, fn)`,
  },
  {
    // The array types are read on each new connection from the ReadyForQuery handler, which drops
    // the promise: a connection closed during that read was an unhandled rejection (which ends a
    // Node process). The next connection reads them again (connected() resets needsTypes).
    from: `        return fetchArrayTypes()
`,
    to: `        return fetchArrayTypes().catch(() => {})
`,
  },
  {
    // errored() rejected the query in flight but left it as the current query; on a connection that
    // is gone no ReadyForQuery clears it, so end() waits forever and later work queues behind it
    // (porsager/postgres PR #1142).
    from: `    query && queryError(query, err)
`,
    to: `    query && (queryError(query, err), query = null)
`,
  },
  {
    // terminate()
    from: `    clearImmediate(nextWriteTimer)
    if (socket) {`,
    to: `    clearImmediate(nextWriteTimer)
    chunk = nextWriteTimer = null
    if (socket) {`,
  },
  {
    // closed()
    from: `    clearImmediate(nextWriteTimer)
    socket.removeListener('data', data)`,
    to: `    clearImmediate(nextWriteTimer)
    chunk = nextWriteTimer = null
    socket.removeListener('data', data)`,
  },
];

/** Patches one copy of connection.js; returns what it did. Throws when the text is not the known one. */
export function patchSource(source) {
  if (source.includes(MARK)) return { source, changed: false };
  let out = source;
  for (const { from, to } of replacements) {
    const at = out.indexOf(from);
    if (at < 0 || out.indexOf(from, at + 1) >= 0) {
      throw new Error(`postgres.js connection.js does not contain exactly one of:\n${from}`);
    }
    out = out.replace(from, to);
  }
  return { source: out, changed: true };
}

/** The installed package's folder (its package.json is not in its "exports"), or null. */
export function postgresRoot() {
  let dir;
  try {
    dir = dirname(createRequire(import.meta.url).resolve("postgres"));
  } catch {
    return null;
  }
  for (; dirname(dir) !== dir; dir = dirname(dir)) {
    const file = join(dir, "package.json");
    if (existsSync(file) && JSON.parse(readFileSync(file, "utf8")).name === "postgres") return dir;
  }
  return null;
}

function main() {
  const root = postgresRoot();
  if (!root) {
    console.log("[patch-postgres] postgres is not installed; nothing to patch");
    return;
  }
  const { version } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  if (version !== VERSION) {
    throw new Error(
      `[patch-postgres] postgres ${version} installed, the patch is for ${VERSION}: check whether ` +
        "the release fixed nextWrite on a closed socket (porsager/postgres #1208) and update or drop scripts/patch-postgres.mjs",
    );
  }
  for (const dir of ["src", "cjs/src", "cf/src"]) {
    const file = join(root, dir, "connection.js");
    if (!existsSync(file)) continue;
    const { source, changed } = patchSource(readFileSync(file, "utf8"));
    if (changed) writeFileSync(file, source);
    console.log(`[patch-postgres] ${dir}/connection.js ${changed ? "patched" : "already patched"}`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) main();
