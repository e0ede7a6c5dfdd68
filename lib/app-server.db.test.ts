import type http from "node:http";
import type { AddressInfo } from "node:net";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { db } from "@/db/client";
import { sesEvents } from "@/db/schema";
import { makeSigningCertificate } from "@/sim/feedback-simulator";
import { sentMail, signedNotification, testWebhookDeps } from "@/test/feedback";
import { eventDelivery } from "@/test/fixtures/ses";
import { createAppServer, drainServer, type NextHandler } from "./app-server";
import { sesWebhookListener } from "./feedback/receiver";

let keys: { privateKeyPem: string; certPem: string };
let server: http.Server;
let base: string;
/** What reached the stand-in for Next.js's handler: method and URL. */
const toNext: string[] = [];
let nextHandler: NextHandler;

beforeAll(async () => {
  keys = await makeSigningCertificate();
  server = createAppServer({
    webhook: sesWebhookListener(() => testWebhookDeps(keys.certPem), {
      log: () => {},
      headers: { "x-frame-options": "DENY", "referrer-policy": "strict-origin-when-cross-origin" },
    }),
    next: (req, res) => nextHandler(req, res),
    log: () => {},
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await drainServer(server, 1_000);
});

beforeEach(() => {
  toNext.length = 0;
  nextHandler = async (req, res) => {
    toNext.push(`${req.method} ${req.url}`);
    res.writeHead(200, { "content-type": "text/plain" }).end("from next");
  };
});

describe("the app server", () => {
  it("answers the SES webhook itself: stored once, Next.js never asked", async () => {
    const m = await sentMail();
    const body = signedNotification(
      keys.privateKeyPem,
      eventDelivery({ id: m.sesMessageId, to: [m.to] }),
    );
    const first = await fetch(`${base}/api/webhooks/ses`, { method: "POST", body });
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ status: "recorded" });
    // The headers next.config gives every path ride on the webhook's answers, and nosniff.
    expect(first.headers.get("x-frame-options")).toBe("DENY");
    expect(first.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
    expect(first.headers.get("x-content-type-options")).toBe("nosniff");
    // A query string does not take the path away from the webhook.
    const again = await fetch(`${base}/api/webhooks/ses?from=sns`, { method: "POST", body });
    expect(await again.json()).toEqual({ status: "duplicate" });
    const stored = await db
      .select()
      .from(sesEvents)
      .where(eq(sesEvents.sesMessageId, m.sesMessageId));
    expect(stored).toHaveLength(1);
    expect(toNext).toEqual([]);
  });

  it("refuses a forged notification and another method on the webhook's path, as the route does", async () => {
    const good = JSON.parse(signedNotification(keys.privateKeyPem, eventDelivery())) as {
      Message: string;
    };
    const forged = JSON.stringify({ ...good, Message: good.Message.replace("a", "b") });
    const refused = await fetch(`${base}/api/webhooks/ses`, { method: "POST", body: forged });
    expect(refused.status).toBe(403);
    const get = await fetch(`${base}/api/webhooks/ses`);
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST");
    expect(get.headers.get("x-frame-options")).toBe("DENY");
    expect(await get.json()).toEqual({ error: "Method not allowed." });
    expect(toNext).toEqual([]);
  });

  it("hands every other path to Next.js, the webhook's neighbours included", async () => {
    for (const [method, path] of [
      ["GET", "/"],
      ["GET", "/t/northwind/login?next=%2Ft%2Fnorthwind"],
      ["POST", "/api/webhooks/ses/"],
      ["POST", "/api/webhooks/sesx"],
      ["POST", "/api/webhooks/SES"],
      ["GET", "/api/unsent/export"],
    ] as const) {
      const res = await fetch(`${base}${path}`, {
        method,
        ...(method === "POST" ? { body: "{}" } : {}),
      });
      expect(await res.text()).toBe("from next");
    }
    expect(toNext).toEqual([
      "GET /",
      "GET /t/northwind/login?next=%2Ft%2Fnorthwind",
      "POST /api/webhooks/ses/",
      "POST /api/webhooks/sesx",
      "POST /api/webhooks/SES",
      "GET /api/unsent/export",
    ]);
  });

  it("answers 500 when Next.js's handler throws, and goes on serving", async () => {
    nextHandler = async () => {
      throw new Error("boom");
    };
    const res = await fetch(`${base}/broken`);
    expect(res.status).toBe(500);
    expect(await res.text()).toBe("Internal Server Error");
    nextHandler = async (_req, res) => void res.end("fine");
    expect(await (await fetch(`${base}/`)).text()).toBe("fine");
  });
});

describe("draining the app server", () => {
  it("answers the request in hand, then closes; a new connection is refused", async () => {
    const own = createAppServer({
      webhook: (_req, res) => void res.end(),
      next: (_req, res) =>
        new Promise<void>((resolve) =>
          setTimeout(() => {
            res.end("slow answer");
            resolve();
          }, 300),
        ),
      log: () => {},
    });
    await new Promise<void>((resolve) => own.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(own.address() as AddressInfo).port}/slow`;
    const inHand = fetch(url).then((r) => r.text());
    await new Promise((r) => setTimeout(r, 100));
    const drained = drainServer(own, 5_000);
    await expect(fetch(url)).rejects.toThrow();
    expect(await inHand).toBe("slow answer");
    await drained;
    expect(own.listening).toBe(false);
  });
});
