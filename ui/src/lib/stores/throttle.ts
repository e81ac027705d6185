// Lets something happen at most once per interval.

export class Throttle {
  #last = Number.NEGATIVE_INFINITY;

  constructor(readonly intervalMs: number) {}

  /** True, and starts a new interval, when the last one has passed. */
  take(): boolean {
    const now = Date.now();
    if (now - this.#last < this.intervalMs) return false;
    this.#last = now;
    return true;
  }

  reset(): void {
    this.#last = Number.NEGATIVE_INFINITY;
  }
}
