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
