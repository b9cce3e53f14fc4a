/**
 * A token bucket per socket: a burst of `capacity` events, then `refillPerSecond`.
 * Local to the socket (one instance holds it), so it needs no shared store.
 */
export interface RateLimit {
  capacity: number;
  refillPerSecond: number;
}

export const defaultRateLimit: RateLimit = { capacity: 20, refillPerSecond: 5 };

export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly limit: RateLimit,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = limit.capacity;
    this.updatedAt = now();
  }

  /** Takes one token; false when the bucket is empty (the event is dropped). */
  take(): boolean {
    const now = this.now();
    this.tokens = Math.min(this.limit.capacity, this.tokens + ((now - this.updatedAt) / 1000) * this.limit.refillPerSecond);
    this.updatedAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
