/** The resident memory of a process group (a server and whatever it started), sampled over time. */
import { readdir, readFile } from "node:fs/promises";

async function groupRssBytes(pgid: number): Promise<number> {
  let total = 0;
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, "utf8");
      // Fields after the command name (which may hold spaces): state, ppid, pgrp, ...
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[2]) !== pgid) continue;
      const status = await readFile(`/proc/${entry}/status`, "utf8");
      const kb = /VmRSS:\s+(\d+) kB/.exec(status);
      if (kb) total += Number(kb[1]) * 1024;
    } catch {
      // the process ended while we looked
    }
  }
  return total;
}

export function sampleRss(pgid: number, everyMs: number) {
  const samples: { at_s: number; mb: number }[] = [];
  const t0 = performance.now();
  const take = async () => {
    const bytes = await groupRssBytes(pgid);
    samples.push({
      at_s: Math.round((performance.now() - t0) / 1000),
      mb: Math.round(bytes / 2 ** 20),
    });
  };
  void take();
  const timer = setInterval(() => void take(), everyMs);
  return {
    samples,
    stop: () => clearInterval(timer),
  };
}
