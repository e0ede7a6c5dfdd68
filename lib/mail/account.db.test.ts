import { sql } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { db } from "@/db/client";
import { accountMailState } from "@/db/schema";
import { ensureAccountRow, loadAccount, returnTokens, takeTokens } from "./account";

const RATE = 10;

/** The shared bucket as a fresh account leaves it: full, MaxSendRate RATE, refilled just now. */
async function fullBucket() {
  await ensureAccountRow(db);
  await db
    .update(accountMailState)
    .set({
      maxSendRate: RATE,
      max24HourSend: 1_000_000,
      tokens: RATE,
      refilledAt: sql`clock_timestamp()`,
    })
    .where(sql`${accountMailState.id} = 1`);
}

describe("the shared send-rate bucket", () => {
  beforeEach(fullBucket);

  it("grants at most one second's worth at once, then only what has refilled", async () => {
    expect((await takeTokens(db, 25, 0)).granted).toBe(RATE);
    expect((await takeTokens(db, 25, 0)).granted).toBe(0);
  });

  it("never grants past the 24-hour quota", async () => {
    await db
      .update(accountMailState)
      .set({ max24HourSend: 100 })
      .where(sql`${accountMailState.id} = 1`);
    expect((await takeTokens(db, 25, 97)).granted).toBe(3);
  });

  it("takes back unused tokens without ever holding more than one second's worth", async () => {
    // One process takes 4 of the 10 and will return all 4 (its mail was held); meanwhile another
    // process refills the bucket to the brim. What comes back must not overfill it.
    expect((await takeTokens(db, 4, 0)).granted).toBe(4);
    await db
      .update(accountMailState)
      .set({ tokens: RATE, refilledAt: sql`clock_timestamp()` })
      .where(sql`${accountMailState.id} = 1`);
    await returnTokens(db, 4);
    expect((await loadAccount(db)).tokens).toBe(RATE);
    expect((await takeTokens(db, 25, 0)).granted).toBe(RATE);
  });

  it("gives back what a batch did not use when there is room", async () => {
    expect((await takeTokens(db, 8, 0)).granted).toBe(8);
    await returnTokens(db, 5);
    const tokens = (await loadAccount(db)).tokens;
    // 2 left + 5 back (+ the few milliseconds' refill since the take).
    expect(tokens).toBeGreaterThanOrEqual(7);
    expect(tokens).toBeLessThan(8);
  });
});
