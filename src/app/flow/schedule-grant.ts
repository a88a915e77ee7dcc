import { computeWindow, plannedWindowOf, type Settings } from '../../core';
import type { Move } from '../jira/move-ticket';
import { MAX_DELAY_SECONDS, newJobToken, pushGrantJob } from '../queue/grant-queue';
import type { StoredGrant } from '../storage/grant-entity';
import { applySteps, type Step } from './apply-steps';

/** How long after the expected delivery the sweep re-sends a grant job it has not seen finish. */
export const JOB_GRACE_MS = 10 * 60_000;
/** A window opening sooner than this counts as open now. */
const OPEN_NOW_MS = 5_000;

/**
 * Approval steps, then on to access: a window that is open now queues the grant job at once; one that
 * opens later records `window-not-open` (the requester is told when) and the job is queued with a delay
 * when the opening is within the queue's 15-minute reach, otherwise the sweep queues it later. The job
 * carries a fresh token recorded with the steps, so only this job may act.
 */
export async function approveAndSchedule(stored: StoredGrant, settings: Settings, approvalSteps: readonly Step[], moves: readonly Move[]): Promise<StoredGrant | undefined> {
  const now = new Date();
  const level = settings.accessLevels.find((candidate) => candidate.id === stored.record.accessLevel);
  const plannedWindow = stored.meta.plannedWindow ? plannedWindowOf({ key: '-', status: '-', plannedStart: stored.meta.plannedWindow.start, plannedEnd: stored.meta.plannedWindow.end }) : undefined;
  const window = level
    ? computeWindow({
        now,
        accessLevel: level,
        ...(stored.record.duration ? { requestedDuration: stored.record.duration } : {}),
        ...(stored.meta.requestedStart ? { requestedStart: new Date(stored.meta.requestedStart) } : {}),
        ...(plannedWindow ? { plannedWindow } : {}),
      })
    : undefined;
  const token = newJobToken();
  const opensInMs = window?.ok ? window.notBefore.getTime() - now.getTime() : 0;
  if (window?.ok && opensInMs > OPEN_NOW_MS) {
    const delaySeconds = opensInMs / 1000;
    const queueNow = delaySeconds <= MAX_DELAY_SECONDS;
    const written = await applySteps(
      stored,
      settings,
      [...approvalSteps, { event: 'window-not-open', actor: 'app', set: { window: { notBefore: window.notBefore.toISOString(), notAfter: window.notAfter.toISOString() } } }],
      {
        moves,
        dueAt: queueNow ? window.notBefore.getTime() + JOB_GRACE_MS : window.notBefore.getTime() - MAX_DELAY_SECONDS * 1000,
        meta: { jobToken: token },
      },
    );
    if (written && queueNow) await pushGrantJob({ ticket: stored.ticket, token }, delaySeconds);
    return written;
  }
  const written = await applySteps(stored, settings, approvalSteps, {
    moves,
    // The grant follows within seconds and its comment tells the requester; the property is written then.
    publicComment: false,
    property: false,
    dueAt: now.getTime() + JOB_GRACE_MS,
    meta: { jobToken: token },
  });
  if (written) await pushGrantJob({ ticket: stored.ticket, token });
  return written;
}
