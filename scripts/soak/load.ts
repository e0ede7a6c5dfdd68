/**
 * Open-loop load at a fixed rate with a bound on requests in flight: a request is started when its
 * time comes; when the bound is reached it is not started and counted as `behind`, so a slow server
 * shows as a lower achieved rate instead of a queue growing in the load generator.
 */
import http from "node:http";

export type Answer = { status: number; body: string };

export type KindStats = {
  kind: string;
  /** Requests a second the load offered. */
  offered: number;
  started: number;
  answered: number;
  behind: number;
  errors: number;
  latencies: number[];
  statuses: Map<number, number>;
};

export type Request = {
  method: "GET" | "POST";
  path: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
};

/** One keep-alive agent per kind, so page views never wait behind webhook sockets. */
export function client(baseUrl: string, maxSockets: number) {
  const target = new URL(baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets });
  const send = (r: Request, keepBody = false) =>
    new Promise<Answer>((resolve, reject) => {
      const body = r.body === undefined ? undefined : Buffer.from(r.body);
      const req = http.request(
        {
          host: target.hostname,
          port: target.port,
          path: r.path,
          method: r.method,
          agent,
          headers: {
            ...r.headers,
            ...(body ? { "content-length": String(body.byteLength) } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => {
            if (keepBody) chunks.push(c);
          });
          res.on("end", () =>
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }),
          );
          res.on("error", reject);
        },
      );
      req.setTimeout(60_000, () => req.destroy(new Error("no answer within 60 s")));
      req.on("error", reject);
      req.end(body);
    });
  return { send, close: () => agent.destroy() };
}

/**
 * Fires `make(i)` at `perSecond` until stopped, at most `maxInFlight` at once. `ok` judges an
 * answer; anything else (or a network error) is counted under `errors`.
 */
export function paced(
  kind: string,
  perSecond: number,
  maxInFlight: number,
  fire: (i: number) => Promise<Answer>,
  ok: (answer: Answer, i: number) => boolean,
) {
  const stats: KindStats = {
    kind,
    offered: perSecond,
    started: 0,
    answered: 0,
    behind: 0,
    errors: 0,
    latencies: [],
    statuses: new Map(),
  };
  let inFlight = 0;
  let due = 0;
  const pending = new Set<Promise<void>>();
  const t0 = performance.now();
  const one = (i: number) => {
    inFlight++;
    const at = performance.now();
    const p = fire(i)
      .then(
        (answer) => {
          stats.latencies.push(performance.now() - at);
          stats.answered++;
          stats.statuses.set(answer.status, (stats.statuses.get(answer.status) ?? 0) + 1);
          if (!ok(answer, i)) stats.errors++;
        },
        () => {
          stats.errors++;
          stats.statuses.set(0, (stats.statuses.get(0) ?? 0) + 1);
        },
      )
      .finally(() => {
        inFlight--;
        pending.delete(p);
      });
    pending.add(p);
  };
  const timer = setInterval(() => {
    const target = Math.floor(((performance.now() - t0) / 1000) * perSecond);
    for (; due < target; due++) {
      if (inFlight >= maxInFlight) stats.behind++;
      else one(stats.started++);
    }
  }, 10);
  return {
    stats,
    /** Stops starting requests and waits for those in flight. */
    stop: async () => {
      clearInterval(timer);
      await Promise.all([...pending]);
      return stats;
    },
  };
}
