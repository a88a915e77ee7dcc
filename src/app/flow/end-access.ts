import type { Settings } from '../../core';
import { deleteCredential } from '../storage/credential-store';
import type { StoredGrant } from '../storage/grant-entity';
import { applySteps } from './apply-steps';

/**
 * Records that the connector ended access (its window closed, or it revoked on its own): the credential
 * goes, the ticket moves to the expired or revoked status and says so.
 */
export async function recordAccessEnded(stored: StoredGrant, settings: Settings, how: 'expired' | 'revoked', actor: string, note: string): Promise<StoredGrant | undefined> {
  await deleteCredential(stored.ticket);
  return applySteps(stored, settings, [{ event: how, actor, note }], {
    moves: [{ transition: how === 'expired' ? settings.transitions.markExpired : settings.transitions.markRevoked }],
    meta: { revokeRequested: undefined },
  });
}
