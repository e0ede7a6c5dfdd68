/**
 * bench:webhook's traffic: signed SNS notifications for sent mail (one in ten a permanent bounce),
 * 10% repeats (half the same SNS message again, half the same SES event under a new SNS
 * MessageId, as a second topic or subscription delivers it), and the HTTP load that posts them.
 */
import { randomUUID } from "node:crypto";
import http from "node:http";
import { SIMULATOR_TOPIC_ARN, sesEventJson } from "@/sim/feedback-simulator";
import { signSnsMessage } from "@/sim/sns-signing";

const BOUNCE_EVERY = 10;
const CERT_URL =
  "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0123456789abcdef0123456789abcdef.pem";

export type BenchMail = { ses: string; to: string; tenant: string };

export type Traffic = {
  bodies: string[];
  /** One body per SES event: for warming up. */
  unique: string[];
  expected: { events: number; duplicates: number; bounces: number; deliveries: number };
};

export function makeTraffic(mails: BenchMail[], total: number, privateKeyPem: string): Traffic {
  const sign = (message: string, i: number) =>
    JSON.stringify(
      signSnsMessage(
        {
          Type: "Notification",
          MessageId: randomUUID(),
          TopicArn: SIMULATOR_TOPIC_ARN,
          Message: message,
          Timestamp: new Date().toISOString(),
          SigningCertURL: CERT_URL,
        },
        i % 2 ? "2" : "1",
        privateKeyPem,
      ),
    );
  const messages = mails.map((m, i) =>
    sesEventJson(
      i % BOUNCE_EVERY === 0
        ? {
            kind: "bounce",
            bounceType: "Permanent",
            subType: "General",
            status: "5.1.1",
            diagnostic: "smtp; 550 5.1.1 user unknown",
          }
        : { kind: "delivery" },
      {
        messageId: m.ses,
        from: "b@sendwell.localhost",
        to: m.to,
        subject: "S",
        sentAt: new Date(),
      },
      new Date(),
      "event",
    ),
  );
  const unique = messages.map(sign);
  const bodies = [...unique];
  let duplicates = 0;
  for (let i = 0; bodies.length < total; i += 7) {
    const k = i % unique.length;
    // Every other repeat is the same SES event under another SNS MessageId.
    const again = (i / 7) % 2 === 1 ? (duplicates++, sign(messages[k]!, k)) : unique[k]!;
    bodies.splice((i * 13) % bodies.length, 0, again);
  }
  const bounces = Math.ceil(mails.length / BOUNCE_EVERY);
  return {
    bodies,
    unique,
    expected: {
      events: mails.length,
      duplicates,
      bounces,
      deliveries: mails.length - bounces,
    },
  };
}

export type LoadResult = {
  seconds: number;
  latencies: number[];
  statuses: Map<number, number>;
  /** When the last answer arrived (performance.now()). */
  lastAnswerAt: number;
};

/** Posts every body at the given concurrency over keep-alive connections. */
export async function load(
  url: string,
  bodies: string[],
  concurrency: number,
): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const target = new URL(url);
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  let next = 0;
  let lastAnswerAt = 0;
  const post = (body: string) =>
    new Promise<number>((resolve, reject) => {
      const req = http.request(
        {
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: "POST",
          agent,
          headers: {
            "content-type": "text/plain; charset=UTF-8",
            "content-length": Buffer.byteLength(body),
          },
        },
        (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode ?? 0));
        },
      );
      req.on("error", reject);
      req.end(body);
    });
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < bodies.length) {
        const body = bodies[next++]!;
        const t0 = performance.now();
        const status = await post(body);
        lastAnswerAt = performance.now();
        latencies.push(lastAnswerAt - t0);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return { seconds, latencies, statuses, lastAnswerAt };
}
