import { grantIdOf, type Settings } from '../../core';
import type { AppConfig } from '../storage/app-config';
import { deleteCredential } from '../storage/credential-store';
import type { StoredGrant } from '../storage/grant-entity';
import { activityStep, type ActivityReading } from './activity-digest';
import { decideAndApply } from './apply-next';

/**
 * Records that the connector ended access (its window closed, or it revoked on its own): the credential
 * goes, and `nextStep` (`access-ended`) moves the ticket to the expired or revoked status and says so, with
 * what was run under a gateway grant.
 */
export async function recordAccessEnded(
  stored: StoredGrant,
  settings: Settings,
  config: AppConfig,
  how: 'expired' | 'revoked',
  actor: string,
  note: string,
  activity: ActivityReading,
): Promise<StoredGrant | undefined> {
  await deleteCredential(stored.ticket);
  const { comment, meta, after } = activityStep(stored, grantIdOf(stored.record), activity);
  return decideAndApply(stored, { kind: 'access-ended', how, actor, note }, settings, config, {
    ...(meta ? { meta } : {}),
    ...(comment ? { internalExtra: comment } : {}),
    ...(after ? { after } : {}),
  });
}
