import { grantIdOf, type Settings } from '../../core';
import { moveTicket } from '../jira/move-ticket';
import { planJob, pushGrantJob } from '../queue/grant-queue';
import type { StoredGrant } from '../storage/grant-entity';
import { applySteps } from './apply-steps';

/**
 * An administrator's retry of a failed grant. The ticket goes back to the status of a grant in progress
 * by the retry transition first, so a workflow without it refuses the retry before anything changed.
 * Then the grant records `grant-retried` under the next grant id with fresh attempts, and a grant job is
 * queued (the sweep re-sends it if it is lost). The old grant id is never reused: the connector may hold
 * it half-made or tombstoned, and reconciliation revokes anything still active under it. Returns the new
 * grant id, or undefined when the grant changed meanwhile.
 */
export async function retryFailedGrant(stored: StoredGrant, settings: Settings, actor: string): Promise<string | undefined> {
  const { record } = stored;
  await moveTicket(record.ticket, { transition: settings.transitions.retry });
  const job = planJob(Date.now());
  const failedAfter = `after ${record.attempts} failed ${record.attempts === 1 ? 'attempt' : 'attempts'}${record.lastError ? `: ${record.lastError}` : ''}`;
  const written = await applySteps(stored, settings, [{ event: 'grant-retried', actor, note: failedAfter }], { meta: { job } });
  if (!written) return undefined;
  await pushGrantJob(stored.ticket, job);
  return grantIdOf(written.record);
}
