import { DriverError } from '../drivers/driver';
import type { GrantContext } from '../grants/context';
import { retryDelayMs } from '../grants/backoff';
import { cleanupRecord, managedRef, revokeRecord } from '../grants/revocation';
import type { GrantRecord } from '../ledger/record';
import { reportRevocation } from './callback-reporter';

export interface SchedulerOptions {
  /** How often the ledger is asked for due work. Expiry is at most this late plus the revocation itself. */
  pollMs?: number;
  /** Grants worked on at once (each holds one database connection while it revokes). */
  concurrency?: number;
  callback?: { url: string; secrets: readonly string[] } | undefined;
}

/** How often the ledger is asked for due work unless configured otherwise. */
export const DEFAULT_POLL_MS = 100;
const DEFAULT_CONCURRENCY = 16;
const BATCH = 500;

/**
 * The connector's own clock on access: revokes at `notAfter` whatever the app does, opens pending windows,
 * retries revocations that failed, cleans up after failed grants and reports revocations to the app.
 */
export class ExpiryScheduler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private readonly pollMs: number;
  private readonly concurrency: number;

  constructor(
    private readonly context: GrantContext,
    private readonly options: SchedulerOptions = {},
  ) {
    this.pollMs = options.pollMs ?? DEFAULT_POLL_MS;
    this.concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Stops polling and waits for work in flight to finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /**
   * One pass over everything due now; exposed so tests and start-up can drive it. Everything due is claimed
   * first, so a burst of expiries is cut off together (one statement per target, where the driver can) before
   * the logins are dismantled one by one. Targets are worked on side by side: one that hangs holds up only its own.
   */
  async runOnce(): Promise<number> {
    const due: GrantRecord[] = [];
    for (;;) {
      const batch = await this.context.leases.claimDue(BATCH);
      due.push(...batch);
      if (batch.length < BATCH || this.stopped) break;
    }
    if (due.length === 0) return 0;
    const byTarget = new Map<string, GrantRecord[]>();
    for (const record of due) byTarget.set(record.target, [...(byTarget.get(record.target) ?? []), record]);
    await Promise.all(
      [...byTarget].map(async ([targetId, records]) => {
        const work = await this.cutOff(targetId, records);
        await forEachLimited(work, this.concurrency, (record) => this.handle(record));
      }),
    );
    return due.length;
  }

  /**
   * Ends the access of every ephemeral login of one target past its end at once; the revocation of each follows
   * and confirms. The ledger says `revoking` before the database is touched, as for every revocation.
   */
  private async cutOff(targetId: string, records: readonly GrantRecord[]): Promise<GrantRecord[]> {
    const driver = this.context.targets.get(targetId)?.driver;
    const now = this.context.now();
    const expiring = (record: GrantRecord) =>
      driver?.cutOff !== undefined && record.state === 'active' && record.mode === 'ephemeral' && record.notAfter !== null && Date.parse(record.notAfter) <= now.getTime();
    const work = await Promise.all(
      records.map(async (record) => {
        if (!expiring(record)) return record;
        const intent: GrantRecord = { ...record, state: 'revoking', revokeReason: 'expired', updatedAt: now.toISOString() };
        await this.context.ledger.update(intent);
        return intent;
      }),
    );
    const cutOff = records.filter(expiring);
    // The gateway closes its own sessions first, as in every revocation, so they end with its message and are recorded.
    await Promise.all(cutOff.map((record) => this.context.gateway?.end(record.grantId)));
    const names = cutOff.map((record) => record.name);
    if (names.length > 0 && driver?.cutOff) {
      try {
        await driver.cutOff({ names });
      } catch (error) {
        // The revocation of each login that follows ends the sessions anyway.
        this.context.log.warn({ event: 'scheduler.cut_off_failed', target: targetId, logins: names.length, error: (error as Error).message });
      }
    }
    return work;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.runOnce()
        .catch((error: unknown) => this.context.log.error({ event: 'scheduler.pass_failed', error: (error as Error).message }))
        .then(() => this.schedule(this.pollMs));
    }, delayMs);
    this.timer.unref();
  }

  private async handle(record: GrantRecord): Promise<void> {
    try {
      await this.work(record);
    } catch (error) {
      this.context.log.error({ event: 'scheduler.grant_failed', grantId: record.grantId, error: (error as Error).message });
    } finally {
      await this.context.leases.release(record.grantId).catch(() => undefined);
    }
  }

  private async work(record: GrantRecord): Promise<void> {
    const now = this.context.now().getTime();
    const pastEnd = record.notAfter !== null && Date.parse(record.notAfter) <= now;
    switch (record.state) {
      case 'active':
        return void (await revokeRecord(this.context, record, 'expired'));
      case 'pending':
        return pastEnd ? void (await revokeRecord(this.context, record, 'expired')) : this.open(record);
      case 'revoking':
        return void (await revokeRecord(this.context, record, pastEnd ? 'expired' : 'requested'));
      case 'granting':
      case 'failed':
        return void (await cleanupRecord(this.context, record));
      case 'revoked':
      case 'expired':
        return this.report(record);
      default:
        return;
    }
  }

  /** A window that opens now: turn on the access created disabled. */
  private async open(record: GrantRecord): Promise<void> {
    const target = this.context.targets.get(record.target);
    try {
      if (!target) throw new DriverError('failed', `target ${record.target} is not configured`, false);
      await target.driver.enable(managedRef(record, this.context));
      await this.context.ledger.update({ ...record, state: 'active', updatedAt: this.context.now().toISOString() });
      this.context.log.info({ event: 'grant.opened', grantId: record.grantId, target: record.target });
    } catch (error) {
      this.context.metrics.failures.inc({ target: record.target, operation: 'enable', retryable: String(error instanceof DriverError && error.retryable) });
      this.context.log.warn({ event: 'grant.enable_failed', grantId: record.grantId, error: (error as Error).message });
    }
  }

  private async report(record: GrantRecord): Promise<void> {
    const callback = this.options.callback;
    let delivered = true;
    if (callback) {
      try {
        delivered = await reportRevocation(callback.url, callback.secrets, record, this.context.now(), await this.context.gateway?.digest(record.grantId, record.target));
      } catch (error) {
        // The activity record could not be read: the callback waits for it, with the backoff of an unanswered one.
        this.context.log.warn({ event: 'callback.activity_unreadable', grantId: record.grantId, error: (error as Error).message });
        delivered = false;
      }
    }
    const attempts = delivered ? 0 : record.attempts + 1;
    await this.context.ledger.update({
      ...record,
      callbackPending: !delivered,
      attempts,
      nextAttemptAt: delivered ? null : new Date(this.context.now().getTime() + retryDelayMs(attempts)).toISOString(),
      updatedAt: this.context.now().toISOString(),
    });
    this.context.log.info({ event: delivered ? 'callback.delivered' : 'callback.failed', grantId: record.grantId });
  }
}

async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++] as T);
  });
  await Promise.all(workers);
}
