import { randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "@/db/client";
import { sesEvents } from "@/db/schema";
import { makeSigningCertificate, SIMULATOR_TOPIC_ARN } from "@/sim/feedback-simulator";
import { signSnsMessage } from "@/sim/sns-signing";
import { CERT_URL, sentMail, signedNotification, testWebhookDeps } from "@/test/feedback";
import { eventDelivery } from "@/test/fixtures/ses";
import { ReceiverPortError, SES_WEBHOOK_PATH, sesReceiver, startSesReceiver } from "./receiver";
import { SnsVerifier, type SnsMessage } from "./sns";
import type { WebhookDeps } from "./webhook";

// The route and the receiver answer with the same dependencies, switched per case.
const current: { deps?: WebhookDeps } = {};
vi.mock("@/lib/feedback/webhook-deps", () => ({ webhookDeps: () => current.deps! }));
const { POST } = await import("@/app/api/webhooks/ses/route");

let keys: { privateKeyPem: string; certPem: string };
let server: http.Server;
let port: number;

beforeAll(async () => {
  keys = await makeSigningCertificate();
  server = sesReceiver(
    () => current.deps!,
    () => {},
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

type Answer = { status: number; body: unknown };
/** A body as it is posted: whole (with its length) or streamed in chunks (no length). */
type Post = { text: string; chunked?: boolean; contentLength?: number };

async function viaRoute(post: Post): Promise<Answer> {
  const init: RequestInit & { duplex?: "half" } = { method: "POST" };
  if (post.chunked) {
    const bytes = new TextEncoder().encode(post.text);
    let at = 0;
    init.body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (at >= bytes.length) controller.close();
        else controller.enqueue(bytes.slice(at, (at += 64 * 1024)));
      },
    });
    init.duplex = "half";
  } else {
    init.body = post.text;
    init.headers = { "content-length": String(post.contentLength ?? Buffer.byteLength(post.text)) };
  }
  const response = await POST(new Request(`http://localhost${SES_WEBHOOK_PATH}`, init));
  return { status: response.status, body: await response.json() };
}

function viaReceiver(post: Post, method = "POST", path = SES_WEBHOOK_PATH): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: "127.0.0.1",
        port,
        method,
        path,
        agent: false,
        headers: post.chunked
          ? { "content-type": "text/plain; charset=UTF-8" }
          : {
              "content-type": "text/plain; charset=UTF-8",
              "content-length": post.contentLength ?? Buffer.byteLength(post.text),
            },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({ status: res.statusCode!, body: JSON.parse(Buffer.concat(chunks).toString()) }),
        );
      },
    );
    // The receiver may answer 413 and close before a refused body is all sent.
    req.on("error", (e: NodeJS.ErrnoException) => {
      if (e.code !== "EPIPE" && e.code !== "ECONNRESET") reject(e);
    });
    if (post.chunked) {
      const bytes = Buffer.from(post.text);
      let at = 0;
      const next = () => {
        if (req.destroyed) return;
        if (at >= bytes.length) return void req.end();
        req.write(bytes.subarray(at, (at += 64 * 1024)), () => setImmediate(next));
      };
      next();
    } else req.end(post.contentLength ? post.text.slice(0, post.contentLength) : post.text);
  });
}

const notification = (payload: unknown, overrides: Partial<SnsMessage> = {}) =>
  signedNotification(keys.privateKeyPem, payload, overrides);

/** Each case makes its body afresh, so the route and the receiver each see a first delivery. */
const cases: [string, () => Promise<Post> | Post, Partial<WebhookDeps>?][] = [
  [
    "a delivery for sent mail",
    async () => {
      const m = await sentMail();
      return { text: notification(eventDelivery({ id: m.sesMessageId, to: [m.to] })) };
    },
  ],
  ["a body that is not JSON", () => ({ text: "not json" })],
  ["JSON that is not an SNS message", () => ({ text: JSON.stringify({ Type: "Notification" }) })],
  [
    "a message from a topic nobody configured",
    () => ({
      text: notification(eventDelivery(), { TopicArn: "arn:aws:sns:us-east-1:999999999999:other" }),
    }),
  ],
  [
    "a forged signature",
    () => {
      const good = JSON.parse(notification(eventDelivery())) as SnsMessage;
      return { text: JSON.stringify({ ...good, Message: good.Message.replace("a", "b") }) };
    },
  ],
  [
    "a certificate off SNS",
    () => ({
      text: notification(eventDelivery(), {
        SigningCertURL: "https://evil.example.com/SimpleNotificationService-0123456789abcdef.pem",
      }),
    }),
  ],
  [
    "a certificate that cannot be fetched",
    () => ({ text: notification(eventDelivery()) }),
    { verifier: new SnsVerifier({ fetcher: async () => Promise.reject(new Error("down")) }) },
  ],
  ["a verified message that is not an SES event", () => ({ text: notification("hello") })],
  [
    "a subscription confirmation",
    () => ({
      text: JSON.stringify(
        signSnsMessage(
          {
            Type: "SubscriptionConfirmation",
            MessageId: randomUUID(),
            TopicArn: SIMULATOR_TOPIC_ARN,
            Message: "You have chosen to subscribe.",
            Token: "token",
            SubscribeURL: `https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&Token=${randomUUID()}`,
            Timestamp: new Date().toISOString(),
            SigningCertURL: CERT_URL,
          },
          "2",
          keys.privateKeyPem,
        ),
      ),
    }),
  ],
  ["a body declared over 256 KB", () => ({ text: "x".repeat(1024), contentLength: 300 * 1024 })],
  ["a body streamed past 256 KB", () => ({ text: "y".repeat(640 * 1024), chunked: true })],
  ["a body of exactly 256 KB that is not JSON", () => ({ text: "z".repeat(256 * 1024) })],
];

describe("the standalone receiver answers as the Next.js route does", () => {
  it.each(cases)("%s", async (_label, make, extra) => {
    current.deps = testWebhookDeps(keys.certPem, {
      confirm: async () => ({ ok: true, status: 200 }),
      ...extra,
    });
    const route = await viaRoute(await make());
    const receiver = await viaReceiver(await make());
    expect(receiver).toEqual(route);
    // And the answer is the one meant (not two identical failures).
    expect(route.status).toBe(
      {
        "a delivery for sent mail": 200,
        "a subscription confirmation": 200,
        "a certificate that cannot be fetched": 503,
        "a body declared over 256 KB": 413,
        "a body streamed past 256 KB": 413,
        "a message from a topic nobody configured": 403,
        "a forged signature": 403,
        "a certificate off SNS": 403,
      }[_label] ?? 400,
    );
  });

  it("stores a delivery once, whichever of the two receives it and however often", async () => {
    current.deps = testWebhookDeps(keys.certPem);
    const m = await sentMail();
    const text = notification(eventDelivery({ id: m.sesMessageId, to: [m.to] }));
    expect(await viaReceiver({ text })).toEqual({ status: 200, body: { status: "recorded" } });
    expect(await viaRoute({ text })).toEqual({ status: 200, body: { status: "duplicate" } });
    expect(await viaReceiver({ text })).toEqual({ status: 200, body: { status: "duplicate" } });
    const stored = await db
      .select()
      .from(sesEvents)
      .where(eq(sesEvents.sesMessageId, m.sesMessageId));
    expect(stored).toHaveLength(1);
    expect(stored[0]!.appliedAt).toBeNull(); // the receiver only stores; an applier applies
  });

  it("answers 405 to another method on the path and 404 elsewhere, storing nothing", async () => {
    current.deps = testWebhookDeps(keys.certPem);
    expect(await viaReceiver({ text: "" }, "GET")).toEqual({
      status: 405,
      body: { error: "Method not allowed." },
    });
    expect(await viaReceiver({ text: notification(eventDelivery()) }, "POST", "/")).toEqual({
      status: 404,
      body: { error: "Not found." },
    });
  });

  it("keeps a connection for the next notification after an answer", async () => {
    current.deps = testWebhookDeps(keys.certPem);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const sockets = new Set<unknown>();
    for (let i = 0; i < 3; i++) {
      const m = await sentMail();
      const text = notification(eventDelivery({ id: m.sesMessageId, to: [m.to] }));
      const status = await new Promise<number>((resolve, reject) => {
        const req = http.request(
          { host: "127.0.0.1", port, method: "POST", path: SES_WEBHOOK_PATH, agent },
          (res) => {
            sockets.add(res.socket);
            res.resume().on("end", () => resolve(res.statusCode!));
          },
        );
        req.on("error", reject);
        req.end(text);
      });
      expect(status).toBe(200);
    }
    expect(sockets.size).toBe(1);
    agent.destroy();
  });

  it("says in a sentence, not a stack, when its port is taken", async () => {
    // `port` is the receiver this file already started.
    await expect(startSesReceiver(() => current.deps!, port, "127.0.0.1")).rejects.toThrow(
      new ReceiverPortError(
        `The SES webhook receiver cannot listen on 127.0.0.1:${port}: another process is using that port. Set FEEDBACK_RECEIVER_PORT to a free port (or stop the other process) and start it again.`,
      ),
    );
  });
});
