import type { GrantRecord } from '../../core';

/**
 * Grants `retryGrant` sends to the queue again: approved, scheduled or granting, or a break-glass request
 * that never got its grant. Shared with the ticket panel, which offers the retry only for these.
 */
export function isRetryable(record: Pick<GrantRecord, 'state' | 'breakGlass'>): boolean {
  return record.state === 'approved' || record.state === 'scheduled' || record.state === 'granting' || (record.state === 'requested' && record.breakGlass);
}
