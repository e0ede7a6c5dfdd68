import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "@/db/client";
import { outboundEmails, sesEvents } from "@/db/schema";
import { makeTenant } from "@/test/factories";
import { accountCounts } from "./rates";
import { addToRollup } from "./rollup";

describe("accountCounts", () => {
  it("counts sends, hard bounces and complaints, and feedback for mail that is not ours", async () => {
    const tenant = await makeTenant();
    const base = {
      tenantId: tenant.id,
      category: "announcement" as const,
      lane: "bulk" as const,
      template: "announcement",
      sentAt: new Date(),
    };
    await db
      .insert(outboundEmails)
      .values([
        ...Array.from({ length: 7 }, () => ({ ...base, status: "delivered" as const })),
        { ...base, status: "bounced" as const },
        { ...base, status: "complained" as const },
        { ...base, status: "queued" as const, sentAt: null },
      ]);
    await db.insert(sesEvents).values({
      snsMessageId: randomUUID(),
      topicArn: "arn:aws:sns:us-east-1:1:t",
      eventType: "Bounce",
      bounceType: "Permanent",
      payload: {},
      appliedAt: new Date(),
    });
    // The last 24 hours are read from the rollups, kept as the dispatcher and the feedback do.
    await addToRollup(db, [
      { at: new Date(), tenantId: tenant.id, category: "announcement", column: "sends", n: 9 },
      { at: new Date(), tenantId: tenant.id, category: "announcement", column: "hard_bounces" },
      { at: new Date(), tenantId: tenant.id, category: "announcement", column: "complaints" },
      { at: new Date(), tenantId: null, category: "unknown", column: "hard_bounces" },
    ]);
    const counts = await accountCounts(db);
    expect(counts.representative).toEqual({ sends: 9, hardBounces: 2, complaints: 1 });
    expect(counts.lastDay).toEqual({ sends: 9, hardBounces: 2, complaints: 1 });
  });
});
