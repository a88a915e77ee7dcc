import type { GrantRecord } from './record';

/**
 * Durable record of every grant. The connector writes the intent before touching a database and the outcome
 * after, so a crash at any point can be reconciled at start.
 */
export interface Ledger {
  /** True when this process is the only one using the ledger (then nothing in it can be another's work in flight). */
  readonly exclusive: boolean;
  get(grantId: string): Promise<GrantRecord | undefined>;
  /** Atomically creates the record; false when a record with that grantId exists already. */
  insert(record: GrantRecord): Promise<boolean>;
  /** Replaces the record (the grantId must exist). Durable when the promise resolves. */
  update(record: GrantRecord): Promise<void>;
  /** Records in the given states (all when omitted). */
  list(states?: readonly GrantRecord['state'][]): Promise<GrantRecord[]>;
  /**
   * Work that is due at `now`: live grants past `notAfter`, `revoking` grants whose retry is due, pending grants
   * past `notBefore`, failed grants that still need cleanup, and revocations with a callback pending. Each record
   * returned is leased to `owner` for `leaseMs`, so replicas sharing a ledger never work on the same grant at once.
   */
  claimDue(now: Date, limit: number, owner: string, leaseMs: number): Promise<GrantRecord[]>;
  /** Leases one existing grant to `owner`, unless anyone holds an unexpired lease on it; false then. */
  acquire(grantId: string, owner: string, now: Date, leaseMs: number): Promise<boolean>;
  /** Extends every lease `owner` holds to `now + leaseMs` (its heartbeat while it lives). */
  renew(owner: string, now: Date, leaseMs: number): Promise<void>;
  /** Gives a lease back early (after the work is done or failed). */
  release(grantId: string, owner: string): Promise<void>;
  /**
   * Remembers an accepted request by `key` (a digest of its signed content) until `until`, durably and for every
   * replica sharing the ledger; false when that key is remembered already, i.e. the request is a replay.
   */
  rememberRequest(key: string, until: Date, now: Date): Promise<boolean>;
  close(): Promise<void>;
}

/** A grant still `granting` after this long was cut off by a crash of the replica doing it. */
export const GRANTING_STALE_MS = 60_000;

/** Whether `record` has work due at `now` (the rule both ledgers implement in claimDue). */
export function isDue(record: GrantRecord, now: Date): boolean {
  const at = now.getTime();
  const past = (iso: string | null) => iso !== null && Date.parse(iso) <= at;
  const retryDue = record.nextAttemptAt === null || past(record.nextAttemptAt);
  switch (record.state) {
    case 'granting':
      return Date.parse(record.updatedAt) <= at - GRANTING_STALE_MS;
    case 'active':
      return past(record.notAfter);
    case 'pending':
      return past(record.notBefore) || past(record.notAfter);
    case 'revoking':
      // An attempt in flight holds a lease, which keeps it from being claimed; one whose replica died is due.
      return retryDue;
    case 'failed':
      return record.needsCleanup && retryDue;
    case 'revoked':
    case 'expired':
      return record.callbackPending && retryDue;
    default:
      return false;
  }
}
