import { randomBytes } from "node:crypto";
import { eq, inArray, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "@/db/client";
import { accountMailState, outboundEmails } from "@/db/schema";
import { makeTenant } from "@/test/factories";
import type { AccountStatus, MailTransport, OutgoingMail } from "../transport";
import { refreshAccount } from "../account";
import { enqueue } from "../outbox";
import { dispatchOnce } from ".";
import { dispatcherOptions } from "@/test/mail";

const healthy: AccountStatus = {
  sendingEnabled: true,
  enforcementStatus: "HEALTHY",
  maxSendRate: 100_000,
  max24HourSend: 10_000_000,
  sentLast24Hours: 0,
};

/** Records what it was asked to send: a late code must never be among it. */
class RecordingTransport implements MailTransport {
  sent: OutgoingMail[] = [];
  async send(mail: OutgoingMail) {
    this.sent.push(mail);
    return { messageId: `msg-${randomBytes(8).toString("hex")}` };
  }
  async getAccount() {
    return healthy;
  }
}

const ago = (ms: number) => new Date(Date.now() - ms);

describe("mail that is useless when late", () => {
  it("a login code or reset past its validity is expired, never sent, its secret dropped", async () => {
    const tenant = await makeTenant();
    const tag = randomBytes(3).toString("hex");
    const queue = (
      category: "login_code" | "password_reset",
      age: number,
      status: "queued" | "held",
    ) =>
      db.transaction(async (tx) => {
        const { id } = await enqueue(tx, {
          tenantId: tenant.id,
          category,
          to: `${category}.${age}.${tag}@example.com`,
          params:
            category === "login_code"
              ? { memberName: "", code: "123456" }
              : { memberName: "", token: "t".repeat(32) },
        });
        // As if it had waited behind a pause since then, its hold now over.
        await tx.execute(sql`
          update outbound_emails set created_at = ${ago(age).toISOString()}::timestamptz,
                 status = ${status}::mail_status, next_attempt_at = now() - interval '1 second'
           where id = ${id}`);
        return id;
      });
    const lateCode = await queue("login_code", 11 * 60_000, "held");
    const lateQueuedCode = await queue("login_code", 10 * 60_000 + 500, "queued");
    const freshCode = await queue("login_code", 9 * 60_000, "held");
    const lateReset = await queue("password_reset", 61 * 60_000, "held");
    const freshReset = await queue("password_reset", 50 * 60_000, "queued");

    const transport = new RecordingTransport();
    await refreshAccount(db, transport);
    await db.update(accountMailState).set({ tokens: 1_000 });
    await dispatchOnce(dispatcherOptions(transport));

    const rows = await db
      .select({
        id: outboundEmails.id,
        status: outboundEmails.status,
        params: outboundEmails.params,
        reason: outboundEmails.reason,
      })
      .from(outboundEmails)
      .where(
        inArray(outboundEmails.id, [lateCode, lateQueuedCode, freshCode, lateReset, freshReset]),
      );
    const by = new Map(rows.map((r) => [r.id, r]));
    for (const id of [lateCode, lateQueuedCode, lateReset]) {
      expect(by.get(id)).toMatchObject({ status: "expired", reason: "not_sent_in_time" });
      expect(by.get(id)!.params).not.toHaveProperty("code");
      expect(by.get(id)!.params).not.toHaveProperty("token");
    }
    expect(by.get(freshCode)!.status).toBe("sent");
    expect(by.get(freshReset)!.status).toBe("sent");
    const to = transport.sent.map((m) => m.to);
    expect(to).toHaveLength(2);
    expect(to.join(" ")).not.toMatch(/\.(660000|600500|3660000)\./);
  });

  it("a code claimed the instant it turns late is expired by the claim itself", async () => {
    const tenant = await makeTenant();
    const { id } = await db.transaction((tx) =>
      enqueue(tx, {
        tenantId: tenant.id,
        category: "login_code",
        to: `edge.${randomBytes(3).toString("hex")}@example.com`,
        params: { memberName: "", code: "654321" },
      }),
    );
    await db.execute(
      sql`update outbound_emails set created_at = now() - interval '10 minutes 1 second' where id = ${id}`,
    );
    const { claimDue } = await import("../outbox");
    const claimed = await claimDue(db, 10, 60_000);
    expect(claimed.map((m) => m.id)).not.toContain(id);
    const [row] = await db.select().from(outboundEmails).where(eq(outboundEmails.id, id));
    expect(row!.status).toBe("expired");
  });
});
