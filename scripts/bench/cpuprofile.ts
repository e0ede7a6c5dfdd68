/**
 * Summarises a V8 CPU profile (`node --cpu-prof`, or bench:webhook with BENCH_CPU_PROF=<dir>):
 * the busy time by origin (Next.js, postgres.js, our bundle, Node's internals…), then the frames
 * with the most self time and the most inclusive time (a frame counted once per sample however
 * often it recurs in the stack).
 *
 *   tsx scripts/bench/cpuprofile.ts <file.cpuprofile> [--top 25] [--skip-ms 0] [--until-ms N] [--match text]
 *
 * `--skip-ms` leaves out the profile's first milliseconds (start-up), `--until-ms` what comes after
 * that many (one request of several, with the timeline's busy milliseconds per second to find it); `--match` lists only frames
 * whose name or file contains the text.
 */
import { readFileSync } from "node:fs";

type CallFrame = { functionName: string; url: string; lineNumber: number; columnNumber: number };
type ProfileNode = { id: number; callFrame: CallFrame; children?: number[] };
type Profile = {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
};

const IDLE = new Set(["(idle)", "(program)"]);

/** Where a frame's code comes from, by its script URL. */
export function origin(url: string, name: string): string {
  if (!url) return name.startsWith("(") ? name : "native/builtin";
  if (url.startsWith("node:")) return "node internals";
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1] === "next" && /compiled\//.test(url) ? "next (compiled deps)" : pkg[1]!;
  if (/\.next\/server\//.test(url)) return "app bundle (.next/server)";
  return url.replace(/^file:\/\//, "").replace(process.cwd() + "/", "");
}

function frameLabel(f: CallFrame): string {
  const file = f.url.replace(/^file:\/\//, "").replace(/.*node_modules\//, "");
  return `${f.functionName || "(anonymous)"} ${file}:${f.lineNumber + 1}`;
}

export function summarise(
  profile: Profile,
  options: { skipMs?: number; untilMs?: number; match?: string } = {},
) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const origins = new Map<string, number>();
  /** Busy milliseconds in each second of the profile: where start-up ends and load begins. */
  const timeline: number[] = [];
  let busy = 0;
  let idle = 0;
  let t = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = (profile.timeDeltas[i] ?? 0) / 1000; // ms
    t += dt;
    const leaf = byId.get(profile.samples[i]!)!;
    const second = Math.floor(t / 1000);
    while (timeline.length <= second) timeline.push(0);
    if (!IDLE.has(leaf.callFrame.functionName)) timeline[second]! += dt;
    if (t < (options.skipMs ?? 0) || t > (options.untilMs ?? Infinity)) continue;
    if (IDLE.has(leaf.callFrame.functionName)) {
      idle += dt;
      continue;
    }
    busy += dt;
    const leafLabel = frameLabel(leaf.callFrame);
    self.set(leafLabel, (self.get(leafLabel) ?? 0) + dt);
    const o = origin(leaf.callFrame.url, leaf.callFrame.functionName);
    origins.set(o, (origins.get(o) ?? 0) + dt);
    const seen = new Set<string>();
    for (let id: number | undefined = leaf.id; id !== undefined; id = parent.get(id)) {
      const label = frameLabel(byId.get(id)!.callFrame);
      if (seen.has(label)) continue;
      seen.add(label);
      inclusive.set(label, (inclusive.get(label) ?? 0) + dt);
    }
  }
  return { busy, idle, self, inclusive, origins, timeline };
}

function main() {
  const args = process.argv.slice(2);
  const file = args.find((a) => !a.startsWith("--") && !/^\d+$/.test(a));
  const flag = (name: string) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  if (!file) {
    console.error(
      "usage: tsx scripts/bench/cpuprofile.ts <file.cpuprofile> [--top N] [--skip-ms N] [--until-ms N] [--match text]",
    );
    process.exit(2);
  }
  const top = Number(flag("top") ?? 25);
  const match = flag("match");
  const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
  const s = summarise(profile, {
    skipMs: Number(flag("skip-ms") ?? 0),
    untilMs: Number(flag("until-ms") ?? Infinity),
    match,
  });
  const pct = (ms: number) => `${((100 * ms) / s.busy).toFixed(1).padStart(5)}%`;
  const ms = (x: number) => `${x.toFixed(0).padStart(7)} ms`;
  console.log(
    `${file}: busy ${s.busy.toFixed(0)} ms, idle ${s.idle.toFixed(0)} ms (percentages of busy)`,
  );
  const table = (title: string, m: Map<string, number>, n: number) => {
    console.log(`\n${title}`);
    const rows = [...m.entries()]
      .filter(([k]) => !match || k.includes(match))
      .sort((a, b) => b[1] - a[1])
      .slice(0, n);
    for (const [k, v] of rows) console.log(`${ms(v)} ${pct(v)}  ${k}`);
  };
  console.log(`busy ms per second: ${s.timeline.map((x) => x.toFixed(0)).join(" ")}`);
  table("self time by origin", s.origins, 20);
  table("self time by frame", s.self, top);
  table("inclusive time by frame", s.inclusive, top);
}

if (process.argv[1]?.endsWith("cpuprofile.ts")) main();
