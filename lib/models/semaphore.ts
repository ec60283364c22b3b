/**
 * A counting semaphore: at most `limit` holders at once, waiters served in
 * arrival order. Used to cap HTTP requests in flight.
 */
export class Semaphore {
  private active = 0;
  private readonly queue: (() => void)[] = [];
  private head = 0;

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`concurrency must be a positive integer, got ${limit}`);
  }

  /** Holders right now. */
  get inUse(): number {
    return this.active;
  }

  /** Wait for a slot. Resolves at once when one is free. Pair with release(). */
  acquire(): Promise<void> {
    if (this.active < this.limit) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => this.queue.push(resolve));
  }

  /** Give a slot back; the oldest waiter (if any) takes it over. */
  release(): void {
    if (this.head < this.queue.length) {
      const next = this.queue[this.head]!;
      this.queue[this.head++] = undefined as unknown as () => void;
      if (this.head > 1024 && this.head * 2 > this.queue.length) {
        this.queue.splice(0, this.head);
        this.head = 0;
      }
      next(); // the slot passes straight to the waiter; active stays the same
    } else {
      this.active--;
    }
  }
}
