export type RateLimit = { maxRequests: number; windowSeconds: number; retryAfterSeconds?: number };

/** A sliding-window limit over all REST calls, off unless a test turns it on. */
export class RateLimiter {
  private limit: RateLimit | null = null;
  private stamps: number[] = [];

  constructor(private readonly now: () => Date) {}

  configure(limit: RateLimit | null): void {
    this.limit = limit;
    this.stamps = [];
  }

  /** Returns the Retry-After seconds when the call is over the limit, otherwise counts it and returns null. */
  check(): number | null {
    if (!this.limit) return null;
    const now = this.now().getTime();
    const windowMs = this.limit.windowSeconds * 1000;
    this.stamps = this.stamps.filter((stamp) => now - stamp < windowMs);
    if (this.stamps.length >= this.limit.maxRequests) {
      const oldest = this.stamps[0] ?? now;
      return this.limit.retryAfterSeconds ?? Math.max(1, Math.ceil((oldest + windowMs - now) / 1000));
    }
    this.stamps.push(now);
    return null;
  }
}
