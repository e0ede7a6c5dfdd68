import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { classifySendError, SesTransport } from "@/lib/mail/transport";
import { startSesFaultProxy, type SesFaultProxy } from "./ses-fault-proxy";

let proxy: SesFaultProxy;
let transport: SesTransport;
beforeAll(async () => {
  proxy = await startSesFaultProxy(0, inject("sesUrl"));
  const port = (proxy.server.address() as { port: number }).port;
  transport = new SesTransport({
    AWS_REGION: "us-east-1",
    SES_ENDPOINT: `http://127.0.0.1:${port}`,
    SES_FROM_ADDRESS: "Test <no-reply@sendwell.test>",
    SES_CONFIGURATION_SET_TRANSACTIONAL: undefined,
    SES_CONFIGURATION_SET_BULK: undefined,
    SES_TENANTS: "false",
  });
});
afterAll(() => new Promise<void>((resolve) => proxy.server.close(() => resolve())));

const mail = {
  to: "someone@example.com",
  subject: "Hello",
  text: "Hi",
  html: "<p>Hi</p>",
  lane: "bulk" as const,
  tags: { tenant: "t", category: "invitation", outbox: "1" },
};
const flip = async (paused: boolean) => {
  const port = (proxy.server.address() as { port: number }).port;
  await fetch(`http://127.0.0.1:${port}/_fault`, {
    method: "POST",
    body: JSON.stringify({ paused }),
  });
};

describe("the local SES fault switch", () => {
  it("passes mail through, then answers as SES does for a paused account, then passes again", async () => {
    expect((await transport.send(mail)).messageId).toBeTruthy();
    expect((await transport.getAccount()).sendingEnabled).toBe(true);
    await flip(true);
    const error = await transport.send(mail).catch((e: unknown) => e);
    expect((error as Error).name).toBe("SendingPausedException");
    expect(classifySendError(error).kind).toBe("pause");
    expect((await transport.getAccount()).sendingEnabled).toBe(false);
    await flip(false);
    expect((await transport.send(mail)).messageId).toBeTruthy();
    expect((await transport.getAccount()).sendingEnabled).toBe(true);
  });
});
