import { describe, expect, it } from "vitest";
import { db } from "@/db/client";
import { suppressions } from "@/db/schema";
import { makeTenant } from "@/test/factories";
import { isSuppressed, isSuppressedFor, suppress, suppressedAmong, suppressionKeys } from ".";

describe("suppressions", () => {
  it("apply the account's list and the tenant's own, never another tenant's, without regard to case", async () => {
    const a = await makeTenant("A");
    const b = await makeTenant("B");
    await suppress(db, {
      tenantId: a.id,
      addresses: ["Bounced@Example.com"],
      reason: "bounce",
      detail: {},
    });
    await db.insert(suppressions).values({
      scope: "tenant",
      tenantId: b.id,
      address: "only-b@example.com",
      reason: "complaint",
    });

    expect(await isSuppressed(db, a.id, "bounced@example.com")).toBe("bounce");
    // The account-wide row applies to every tenant.
    expect(await isSuppressed(db, b.id, "BOUNCED@example.com")).toBe("bounce");
    expect(await isSuppressed(db, a.id, "only-b@example.com")).toBeNull();
    expect(await isSuppressed(db, b.id, "only-b@example.com")).toBe("complaint");

    const addresses = ["bounced@example.com", "only-b@example.com", "fine@example.com"];
    const keys = await suppressionKeys(db, addresses);
    for (const tenant of [a, b]) {
      const among = await suppressedAmong(db, tenant.id, addresses);
      for (const address of addresses) {
        // The guard's in-memory rule and the database's give the same answer.
        expect(isSuppressedFor(keys, tenant.id, address), `${tenant.name} ${address}`).toBe(
          among.has(address),
        );
      }
    }
  });

  it("suppresses for the account only when the mail is not ours, and a repeat changes nothing", async () => {
    await suppress(db, {
      tenantId: null,
      addresses: ["orphan@example.com"],
      reason: "complaint",
      detail: {},
    });
    await suppress(db, {
      tenantId: null,
      addresses: ["orphan@example.com"],
      reason: "complaint",
      detail: {},
    });
    const rows = await db.select().from(suppressions);
    expect(rows.filter((r) => r.address === "orphan@example.com")).toEqual([
      expect.objectContaining({ scope: "account", tenantId: null, reason: "complaint" }),
    ]);
  });
});
