import { grantWindow, type Settings } from '../../core';
import type { Move } from '../jira/move-ticket';
import { MAX_DELAY_SECONDS, planJob, pushGrantJob } from '../queue/grant-queue';
import type { StoredGrant } from '../storage/grant-entity';
import { applySteps, type Step } from './apply-steps';

/** A window opening sooner than this counts as open now. */
const OPEN_NOW_MS = 5_000;

/**
 * Approval steps, then on to access: a window that is open now queues the grant job at once; one that
 * opens later records `window-not-open` (the requester is told when) and the job is queued with a delay
 * when the opening is within the queue's 15-minute reach, otherwise the sweep queues it later. The job
 * is recorded with the steps (its token and when it is due), so only this job may act.
 */
export async function approveAndSchedule(stored: StoredGrant, settings: Settings, approvalSteps: readonly Step[], moves: readonly Move[]): Promise<StoredGrant | undefined> {
  const now = new Date();
  const window = grantWindow(stored.record, stored.meta, settings, now);
  const opensInMs = window.ok ? window.notBefore.getTime() - now.getTime() : 0;
  if (window.ok && opensInMs > OPEN_NOW_MS) {
    const delaySeconds = opensInMs / 1000;
    const job = delaySeconds <= MAX_DELAY_SECONDS ? planJob(now.getTime(), delaySeconds) : undefined;
    const written = await applySteps(
      stored,
      settings,
      [...approvalSteps, { event: 'window-not-open', actor: 'app', set: { window: { notBefore: window.notBefore.toISOString(), notAfter: window.notAfter.toISOString() } } }],
      { moves, meta: { job } },
    );
    if (written && job) await pushGrantJob(stored.ticket, job);
    return written;
  }
  const job = planJob(now.getTime());
  const written = await applySteps(stored, settings, approvalSteps, {
    moves,
    // The grant follows within seconds and its comments tell the requester and audit the approval; the property is written then.
    publicComment: false,
    property: false,
    deferInternalComment: true,
    meta: { job },
  });
  if (written) await pushGrantJob(stored.ticket, job);
  return written;
}
