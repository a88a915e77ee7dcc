import { MAX_CLOCK_SKEW_SECONDS } from '../../protocol';

/**
 * Remembers every accepted signature until its timestamp leaves the window, so a captured request cannot be
 * sent again. Per process: replicas behind a load balancer each keep their own (documented in docs/connector.md).
 */
export class ReplayGuard {
  private readonly seen = new Map<string, number>();
  private prunedAt = 0;

  /** True the first time a signature is offered inside its window, false on any repeat. */
  accept(signature: string, timestamp: number, nowSeconds: number): boolean {
    this.prune(nowSeconds);
    if (this.seen.has(signature)) return false;
    this.seen.set(signature, timestamp + MAX_CLOCK_SKEW_SECONDS);
    return true;
  }

  private prune(nowSeconds: number): void {
    if (nowSeconds === this.prunedAt) return;
    this.prunedAt = nowSeconds;
    for (const [signature, expiresAt] of this.seen) if (expiresAt < nowSeconds) this.seen.delete(signature);
  }
}
