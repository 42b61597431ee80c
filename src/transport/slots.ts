/**
 * A counting semaphore. sshd refuses session channels beyond MaxSessions (10 by default), so a connection runs at
 * most `limit` commands at once and queues the rest in order, instead of failing them.
 */
export class Slots {
  private used = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private max: number) {
    if (!(max >= 1)) throw new RangeError(`slot limit must be at least 1, got ${max}`);
  }

  get limit(): number {
    return this.max;
  }

  /** Fewer holders from now on (never below one); holders above the new limit finish normally. */
  lower(limit: number): void {
    this.max = Math.max(1, Math.min(this.max, limit));
  }

  get inUse(): number {
    return this.used;
  }

  get queued(): number {
    return this.waiting.length;
  }

  acquire(): Promise<void> {
    if (this.used < this.max) {
      this.used++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Hands the slot straight to the next waiter, if any and if the limit still allows it. */
  release(): void {
    if (this.used <= this.max) {
      const next = this.waiting.shift();
      if (next) return next();
    }
    this.used--;
  }
}
