import { grantIdOf, type Settings } from '../../core';
import { deleteCredential } from '../storage/credential-store';
import type { StoredGrant } from '../storage/grant-entity';
import { activityStep, type ActivityReading } from './activity-digest';
import { applySteps } from './apply-steps';

/**
 * Records that the connector ended access (its window closed, or it revoked on its own): the credential
 * goes, the ticket moves to the expired or revoked status and says so, with what was run under a gateway grant.
 */
export async function recordAccessEnded(stored: StoredGrant, settings: Settings, how: 'expired' | 'revoked', actor: string, note: string, activity: ActivityReading): Promise<StoredGrant | undefined> {
  await deleteCredential(stored.ticket);
  const { comment, meta, after } = activityStep(stored, grantIdOf(stored.record), activity);
  return applySteps(stored, settings, [{ event: how, actor, note }], {
    moves: [{ transition: how === 'expired' ? settings.transitions.markExpired : settings.transitions.markRevoked }],
    meta: { ...meta, revokeRequested: undefined },
    ...(comment ? { internalExtra: comment } : {}),
    ...(after ? { after } : {}),
  });
}
