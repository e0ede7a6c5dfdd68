import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FeedbackSimulator } from "./feedback-simulator";
import { createSigningIdentity } from "./sns-signing";

// A fake local SES store and webhook: the webhook records what arrives and how many at once.
const at = Math.floor(Date.now() / 1000) - 10;
const emails = Array.from({ length: 12 }, (_, i) => ({
  messageId: `m-${i}`,
  from: "s@sendwell.test",
  destination: {
    to: [i === 0 ? "complaint@simulator.amazonses.com" : `r${i}@school.example.com`],
    cc: [],
    bcc: [],
  },
  subject: "Hello",
  at,
}));
const received: { type: string; to: string }[] = [];
let inFlight = 0;
let mostAtOnce = 0;
let server: http.Server;
let base: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.method === "GET") {
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ emails }));
      return;
    }
    inFlight++;
    mostAtOnce = Math.max(mostAtOnce, inFlight);
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      const event = JSON.parse((JSON.parse(body) as { Message: string }).Message) as {
        eventType: string;
        mail: { destination: string[] };
      };
      setTimeout(() => {
        received.push({ type: event.eventType, to: event.mail.destination[0]! });
        inFlight--;
        res.end("ok");
      }, 20);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const simulator = (concurrency?: number) =>
  new FeedbackSimulator({
    sesUrl: base,
    webhookUrl: `${base}/hook`,
    privateKeyPem: createSigningIdentity().privateKeyPem,
    deadDomains: new Set(),
    deadMailboxes: new Set(),
    delayMs: 0,
    concurrency,
  });

describe("the feedback simulator", () => {
  it("posts one notification at a time unless told otherwise", async () => {
    received.length = 0;
    mostAtOnce = 0;
    const sim = simulator();
    expect(await sim.tick()).toBe(13); // a delivery each, and the complaint address's complaint
    expect(sim.posted).toBe(13);
    expect(mostAtOnce).toBe(1);
  });

  it("posts recipients in parallel up to its concurrency, each recipient's events in order", async () => {
    received.length = 0;
    mostAtOnce = 0;
    const sim = simulator(4);
    expect(await sim.tick()).toBe(13);
    // Every post has been answered when the pass ends.
    expect(sim.posted).toBe(13);
    expect(received).toHaveLength(13);
    expect(mostAtOnce).toBeGreaterThan(1);
    expect(mostAtOnce).toBeLessThanOrEqual(4);
    const complaint = received.filter((r) => r.to === "complaint@simulator.amazonses.com");
    expect(complaint.map((r) => r.type)).toEqual(["Delivery", "Complaint"]);
  });
});

describe("stopping the feedback simulator", () => {
  it("posts nothing more once drained, even when stopped in the middle of a pass", async () => {
    received.length = 0;
    const sim = simulator(2);
    sim.start(1);
    // Wait until a pass is under way, then stop it there.
    while (received.length === 0) await new Promise((r) => setTimeout(r, 5));
    await sim.drain();
    const posted = received.length;
    // New mail at SES after the stop: a loop still running would report it.
    emails.push({
      ...emails[1]!,
      messageId: "m-late",
      destination: { to: ["late@school.example.com"], cc: [], bcc: [] },
    });
    await new Promise((r) => setTimeout(r, 200));
    emails.pop();
    expect(received.length).toBe(posted);
  });
});
