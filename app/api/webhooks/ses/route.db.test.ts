import { describe, expect, it } from "vitest";
import { POST } from "./route";

const url = "http://localhost/api/webhooks/ses";

describe("POST /api/webhooks/ses", () => {
  it("refuses a body over 256 KB by its declared length, before reading it", async () => {
    const response = await POST(
      new Request(url, {
        method: "POST",
        body: "x".repeat(300 * 1024),
        headers: { "content-length": String(300 * 1024) },
      }),
    );
    expect(response.status).toBe(413);
  });

  it("refuses a streamed body once it passes 256 KB, whatever length it declared", async () => {
    const chunk = new TextEncoder().encode("y".repeat(64 * 1024));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 10) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const response = await POST(
      new Request(url, { method: "POST", body, duplex: "half" } as RequestInit),
    );
    expect(response.status).toBe(413);
    expect(sent).toBeLessThan(10); // it stopped reading
  });

  it("answers 400 with a sentence to a body that is not an SNS message", async () => {
    const response = await POST(new Request(url, { method: "POST", body: "{}" }));
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: expect.any(String) });
  });

  it("answers 403 to a well-formed message from a topic nobody configured", async () => {
    const message = {
      Type: "Notification",
      MessageId: "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324",
      TopicArn: "arn:aws:sns:us-west-2:123456789012:MyTopic",
      Subject: "My First Message",
      Message: "Hello world!",
      Timestamp: "2012-05-02T00:54:06.655Z",
      SignatureVersion: "1",
      Signature: "EXAMPLEw6JRN",
      SigningCertURL:
        "https://sns.us-west-2.amazonaws.com/SimpleNotificationService-f3ecfb7224c7233fe7bb5f59f96de52f.pem",
    };
    const response = await POST(
      new Request(url, { method: "POST", body: JSON.stringify(message) }),
    );
    expect(response.status).toBe(403);
  });
});
