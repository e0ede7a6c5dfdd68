import type { Server } from "node:http";
import { spawn, type ChildProcess } from "node:child_process";

/** What local SES answers to GetAccount: a healthy production account. */
export function localSesAccount(maxSendRate = 200): string {
  return JSON.stringify({
    DedicatedIpAutoWarmupEnabled: false,
    Details: {
      AdditionalContactEmailAddresses: [],
      ContactLanguage: "EN",
      MailType: "TRANSACTIONAL",
      ReviewDetails: { CaseId: "local", Status: "GRANTED" },
      UseCaseDescription: "Sendwell local development",
      WebsiteURL: "http://localhost:3000",
    },
    EnforcementStatus: "HEALTHY",
    ProductionAccessEnabled: true,
    SendingEnabled: true,
    SendQuota: { Max24HourSend: 10_000_000, MaxSendRate: maxSendRate, SentLast24Hours: 0 },
    SuppressionAttributes: { SuppressedReasons: ["BOUNCE", "COMPLAINT"] },
  });
}

/** Starts aws-ses-v2-local inside this process (tests): it reads AWS_SES_ACCOUNT per request. */
export async function startLocalSesInProcess(
  port: number,
  maxSendRate?: number,
): Promise<{ url: string; stop: () => Promise<void> }> {
  process.env.AWS_SES_ACCOUNT ??= localSesAccount(maxSendRate);
  const mod = (await import("aws-ses-v2-local")) as unknown as {
    default:
      | ((c: { host: string; port: number }) => Promise<Server>)
      | { default: (c: { host: string; port: number }) => Promise<Server> };
  };
  const start = typeof mod.default === "function" ? mod.default : mod.default.default;
  const server = await start({ host: "127.0.0.1", port });
  return {
    url: `http://127.0.0.1:${port}`,
    // Keep-alive sockets of SDK clients would hold close() open: end them too.
    stop: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Starts aws-ses-v2-local as a child process (demo, dev, e2e), returns once it answers. */
export async function startLocalSesProcess(
  port: number,
  maxSendRate?: number,
): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(
    "node_modules/.bin/aws-ses-v2-local",
    ["--host", "127.0.0.1", "--port", String(port)],
    {
      env: { ...process.env, AWS_SES_ACCOUNT: localSesAccount(maxSendRate) },
      stdio: "ignore",
      detached: true,
    },
  );
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${url}/health-check`);
      if (res.ok) return { url, child };
    } catch {
      await new Promise((r) => setTimeout(r, 150));
    }
  }
  child.kill();
  throw new Error(`local SES did not start on port ${port}`);
}
