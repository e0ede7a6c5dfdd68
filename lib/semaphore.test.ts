import { describe, expect, it } from "vitest";
import { Semaphore } from "./semaphore";

describe("Semaphore", () => {
  it("lets at most n run at once, the rest in order, and frees a slot when work throws", async () => {
    const slots = new Semaphore(2);
    let running = 0;
    let peak = 0;
    const order: number[] = [];
    const work = (i: number) =>
      slots.use(async () => {
        running += 1;
        peak = Math.max(peak, running);
        await new Promise((resolve) => setTimeout(resolve, 5));
        order.push(i);
        running -= 1;
        if (i === 1) throw new Error("boom");
        return i;
      });
    const results = await Promise.allSettled([0, 1, 2, 3, 4].map(work));
    expect(peak).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect(results.map((r) => r.status)).toEqual([
      "fulfilled",
      "rejected",
      "fulfilled",
      "fulfilled",
      "fulfilled",
    ]);
    expect(slots.busy).toBe(false);
  });

  it("acquireUnless: a waiter that gives up leaves the queue and holds nothing; the others go on in order", async () => {
    const slots = new Semaphore(1);
    const first = new AbortController();
    expect(await slots.acquireUnless(first.signal)).toBe(true);
    const quitter = new AbortController();
    const second = slots.acquireUnless(quitter.signal);
    const patient = new AbortController();
    const third = slots.acquireUnless(patient.signal);
    quitter.abort();
    expect(await second).toBe(false);
    // The place passes to the third, not to the one that gave up.
    slots.release();
    expect(await third).toBe(true);
    expect(slots.busy).toBe(true);
    // Aborting after being admitted changes nothing: the place is still held until released.
    patient.abort();
    expect(slots.busy).toBe(true);
    slots.release();
    expect(slots.busy).toBe(false);
    // Already aborted: no place taken.
    expect(await slots.acquireUnless(AbortSignal.abort())).toBe(false);
    expect(slots.busy).toBe(false);
  });
});
