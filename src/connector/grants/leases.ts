import { randomUUID } from 'node:crypto';
import type { Ledger } from '../ledger/ledger';
import type { GrantRecord } from '../ledger/record';
import type { Logger } from '../log';

/**
 * How long a lease on a grant lasts unless renewed, and how often this replica renews the ones it holds.
 * A replica that dies leaves its grants to the others within LEASE_MS; a live one keeps them however long a
 * revocation takes (sessions that are slow to end, a lock wait), as long as its event loop runs every
 * RENEW_MS or so.
 */
export const LEASE_MS = 2_000;
const RENEW_MS = 500;

/**
 * This replica's leases on grants in the ledger. Every piece of work on an existing grant (a scheduled expiry,
 * a retry, a DELETE, an extension) runs under one, so no two replicas, and not the API and the scheduler of
 * one replica, ever work on the same grant at once.
 */
export class Leases {
  readonly owner = randomUUID();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly ledger: Ledger,
    private readonly now: () => Date,
    private readonly log: Logger,
  ) {}

  /** Renews every lease this replica holds, every RENEW_MS, until `stop`. */
  start(): void {
    this.timer ??= setInterval(() => {
      this.ledger.renew(this.owner, this.now(), LEASE_MS).catch((error: unknown) => this.log.warn({ event: 'lease.renew_failed', error: (error as Error).message }));
    }, RENEW_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  claimDue(limit: number): Promise<GrantRecord[]> {
    return this.ledger.claimDue(this.now(), limit, this.owner, LEASE_MS);
  }

  /** False while anyone (this replica included) holds an unexpired lease on the grant. */
  acquire(grantId: string): Promise<boolean> {
    return this.ledger.acquire(grantId, this.owner, this.now(), LEASE_MS);
  }

  release(grantId: string): Promise<void> {
    return this.ledger.release(grantId, this.owner);
  }
}
