/** At most `free` holders at once; the rest wait in order (sends in flight, heavy imports). */
export class Semaphore {
  private waiting: (() => void)[] = [];
  constructor(private free: number) {}

  /** True when acquire() would have to wait. */
  get busy(): boolean {
    return this.free === 0;
  }

  async acquire(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  /**
   * As acquire(), but gives up waiting when `signal` aborts: then it resolves false and holds
   * nothing (nothing to release); true means a place is held.
   */
  async acquireUnless(signal: AbortSignal): Promise<boolean> {
    if (signal.aborted) return false;
    if (this.free > 0) {
      this.free--;
      return true;
    }
    return new Promise<boolean>((resolve) => {
      const admit = () => {
        signal.removeEventListener("abort", leave);
        resolve(true);
      };
      const leave = () => {
        const i = this.waiting.indexOf(admit);
        if (i >= 0) this.waiting.splice(i, 1);
        resolve(false);
      };
      this.waiting.push(admit);
      signal.addEventListener("abort", leave, { once: true });
    });
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }

  async use<T>(work: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await work();
    } finally {
      this.release();
    }
  }
}
