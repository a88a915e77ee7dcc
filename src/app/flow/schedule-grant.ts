import { nextStep, type Settings, type StepSpec, type TicketMove } from '../../core';
import type { AppConfig } from '../storage/app-config';
import type { StoredGrant } from '../storage/grant-entity';
import { applyNext, factsOf, stepSettings } from './apply-next';

/**
 * Approval steps, then on to access, as `nextStep` decides (`approved`): the grant job is queued at once
 * for a window open now, delayed for one opening within the queue's reach, or left to the sweep; the job is
 * recorded with the steps (its token and when it is due), so only this job may act.
 */
export async function approveAndSchedule(stored: StoredGrant, settings: Settings, config: AppConfig, approvalSteps: readonly StepSpec[], moves: readonly TicketMove[]): Promise<StoredGrant | undefined> {
  const next = nextStep(factsOf(stored), { kind: 'approved', steps: [...approvalSteps], moves: [...moves] }, stepSettings(settings, config), new Date());
  return (await applyNext(stored, next, settings, config)).stored;
}
