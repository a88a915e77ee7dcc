import type { GrantRecord } from './grant-record';

/**
 * Grants `retryGrant` takes: one that is stuck (approved, scheduled or granting, or a break-glass request
 * that never got its grant), sent to the queue again, or a failed one, granted again under a new grant id.
 * Shared with the ticket panel, which offers the retry only for these.
 */
export function isRetryable(record: Pick<GrantRecord, 'state' | 'breakGlass'>): boolean {
  switch (record.state) {
    case 'approved':
    case 'scheduled':
    case 'granting':
    case 'failed':
      return true;
    case 'requested':
      return record.breakGlass;
    default:
      return false;
  }
}
