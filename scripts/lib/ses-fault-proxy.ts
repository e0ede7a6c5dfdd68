/**
 * A switch in front of local SES for the browser tests and the fault-injection tests
 * (aws-ses-v2-local has no faults of its own): it forwards every request, except that while a fault
 * is set, SendEmail fails the way SES or the network would:
 * - `paused`: SES's `SendingPausedException`, and GetAccount says sending is disabled, as SES does
 *   when it pauses an account;
 * - `error`: one of SES's modelled errors by name (`TooManyRequestsException`, `MessageRejected`, …)
 *   with its HTTP status, as restJson1 carries it (the type in `x-amzn-ErrorType`);
 * - `http500`: a bare 500 with no modelled type (a server fault);
 * - `hang`: the request is read and never answered (a timeout);
 * - `down`: every connection is cut as it opens (SES unreachable), GetAccount included;
 * - `slow`: SendEmail is forwarded after `ms` (a dispatcher can be caught mid-batch).
 * `POST /_fault` with `{"paused": true|false}` or `{"fault": {...}}` flips it. Tooling only.
 */
import http, { type Server } from "node:http";
import type { Socket } from "node:net";

export type SesFault =
  | { kind: "none" }
  | { kind: "paused" }
  | { kind: "error"; name: string; status: number; message?: string }
  | { kind: "http500" }
  | { kind: "hang" }
  | { kind: "down" }
  | { kind: "slow"; ms: number };

export type SesFaultProxy = {
  url: string;
  server: Server;
  paused: () => boolean;
  setFault: (fault: SesFault) => void;
  /** GetAccount answers this MaxSendRate instead of local SES's own (null: local SES's). */
  setMaxSendRate: (rate: number | null) => void;
  /** Every SendEmail that reached the proxy: when, and the fault it met (`none` when forwarded). */
  sendAttempts: { at: number; fault: SesFault["kind"] }[];
};

const SEND_PATH = "/v2/email/outbound-emails";
const ACCOUNT_PATH = "/v2/email/account";

function parseFault(body: string): SesFault | null {
  const given = JSON.parse(body || "{}") as { paused?: unknown; fault?: Partial<SesFault> };
  if (given.fault && typeof given.fault.kind === "string") {
    const fault = given.fault as SesFault;
    if (fault.kind === "error" && (typeof fault.name !== "string" || !fault.status)) return null;
    return fault;
  }
  if ("paused" in given) return given.paused ? { kind: "paused" } : { kind: "none" };
  return null;
}

export async function startSesFaultProxy(port: number, target: string): Promise<SesFaultProxy> {
  let fault: SesFault = { kind: "none" };
  let maxSendRate: number | null = null;
  const sendAttempts: SesFaultProxy["sendAttempts"] = [];
  const hanging = new Set<http.ServerResponse>();
  const sockets = new Set<Socket>();
  const setFault = (next: SesFault, keep?: Socket) => {
    fault = next;
    // "Down" cuts the connections kept alive from before too; a hang ends when the fault changes.
    if (next.kind === "down") for (const s of sockets) if (s !== keep) s.destroy();
    if (next.kind !== "hang") for (const res of hanging) res.destroy();
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const path = (req.url ?? "/").split("?")[0]!;
      if (path === "/_fault" && req.method === "POST") {
        let next: SesFault | null = null;
        try {
          next = parseFault(body.toString());
        } catch {
          next = null;
        }
        if (!next) {
          res
            .writeHead(400)
            .end('send {"paused": true|false} or {"fault": {"kind": "none|paused|error|…"}}');
          return;
        }
        setFault(next, req.socket);
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ paused: fault.kind === "paused", fault }));
        return;
      }
      const isSend = path === SEND_PATH && req.method === "POST";
      if (isSend) sendAttempts.push({ at: Date.now(), fault: fault.kind });
      if (isSend && fault.kind !== "none" && fault.kind !== "slow") {
        if (fault.kind === "hang") {
          hanging.add(res);
          res.on("close", () => hanging.delete(res));
          return;
        }
        const [status, type, message] =
          fault.kind === "paused"
            ? [400, "SendingPausedException", "Email sending is paused for this account."]
            : fault.kind === "error"
              ? [fault.status, fault.name, fault.message ?? `${fault.name} from the fault proxy`]
              : [500, undefined, "Internal failure (fault proxy)"];
        res.writeHead(status, {
          "content-type": "application/json",
          ...(type ? { "x-amzn-errortype": type } : {}),
        });
        res.end(JSON.stringify({ message }));
        return;
      }
      const forward = () => {
        const upstream = http.request(
          `${target}${req.url ?? "/"}`,
          { method: req.method, headers: { ...req.headers, host: new URL(target).host } },
          (answer) => {
            const patchAccount = fault.kind === "paused" || maxSendRate !== null;
            if (patchAccount && path === ACCOUNT_PATH && req.method === "GET") {
              const parts: Buffer[] = [];
              answer.on("data", (c: Buffer) => parts.push(c));
              answer.on("end", () => {
                const account = JSON.parse(Buffer.concat(parts).toString()) as Record<
                  string,
                  unknown
                >;
                res.writeHead(200, { "content-type": "application/json" });
                const quota = account.SendQuota as Record<string, unknown> | undefined;
                res.end(
                  JSON.stringify({
                    ...account,
                    ...(fault.kind === "paused" ? { SendingEnabled: false } : {}),
                    ...(maxSendRate !== null
                      ? { SendQuota: { ...quota, MaxSendRate: maxSendRate } }
                      : {}),
                  }),
                );
              });
              return;
            }
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
          },
        );
        upstream.on("error", (error) => {
          res.writeHead(502).end(String(error));
        });
        upstream.end(body);
      };
      if (isSend && fault.kind === "slow") setTimeout(forward, fault.ms);
      else forward();
    });
  });
  // "Down" cuts connections as they open.
  server.on("connection", (socket) => {
    if (fault.kind === "down") {
      socket.destroy();
      return;
    }
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const bound = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${bound}`,
    server,
    paused: () => fault.kind === "paused",
    setFault,
    setMaxSendRate: (rate) => {
      maxSendRate = rate;
    },
    sendAttempts,
  };
}
