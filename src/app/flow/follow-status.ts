import type { Settings } from '../../core';
import type { AppConfig } from '../storage/app-config';
import type { StoredGrant } from '../storage/grant-entity';
import { applyEvent } from './apply-event';

/**
 * Brings the grant in line with the ticket's current status (level-triggered, so duplicate and reordered
 * events converge), as `nextStep` decides from `statusAction`: count the approvals, record a decline or a
 * cancellation, end access at once, or put the ticket back where the grant really is and say why.
 */
export async function followStatus(stored: StoredGrant, status: string, settings: Settings, config: AppConfig, actor: string): Promise<void> {
  await applyEvent(stored, { kind: 'status-changed', status, actor }, settings, config);
}
