import { nextStep, type GrantEvent, type Settings } from '../../core';
import type { AppConfig } from '../storage/app-config';
import type { StoredGrant } from '../storage/grant-entity';
import { applyNext, factsOf, stepSettings } from './apply-next';
import { checkApproval } from './check-approval';
import { revokeAccess } from './revoke-access';

export interface EventResult {
  /** Why `nextStep` refused the event; nothing was stored. */
  refused?: string;
  /** The grant as stored afterwards; undefined when another writer moved it on first. */
  stored: StoredGrant | undefined;
}

/**
 * A person's event (a status change, the panel's revoke, cancel, retry or reveal), decided by `nextStep`
 * and applied; the revocation or the approval count it asks for is made here, before returning.
 */
export async function applyEvent(stored: StoredGrant, event: GrantEvent, settings: Settings, config: AppConfig): Promise<EventResult> {
  const next = nextStep(factsOf(stored), event, stepSettings(settings, config), new Date());
  if (next.refused !== undefined) return { refused: next.refused, stored };
  const applied = await applyNext(stored, next, settings, config);
  let current = applied.stored;
  for (const call of applied.connector) {
    if (!current) break;
    if (call.kind === 'revoke-access') current = await revokeAccess(current, settings, call.by, call.reason, { event: call.event, moves: call.moves ?? [] });
    else if (call.kind === 'check-approval') current = await checkApproval(current, settings, config);
  }
  return { stored: current };
}
