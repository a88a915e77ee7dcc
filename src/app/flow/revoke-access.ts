import { ConnectorRequestError } from '../../protocol';
import type { Settings, TicketMove } from '../../core';
import { connectorClient } from '../connector/connector-access';
import { logEvent } from '../log';
import type { AppConfig } from '../storage/app-config';
import { deleteCredential } from '../storage/credential-store';
import type { StoredGrant } from '../storage/grant-entity';
import { activityStep, readActivity, type ActivityReading } from './activity-digest';
import { decideAndApply } from './apply-next';

export interface RevokeOptions {
  /** `expired` when a person marked active access expired; otherwise `revoked`. */
  event?: 'revoked' | 'expired';
  moves?: readonly TicketMove[];
}

/**
 * Ends access at once: revoke at the connector (idempotent; a grant that has an id may hold access there,
 * and an id the connector never saw is tombstoned so a late grant cannot make it), delete the unrevealed
 * credential, then `nextStep` records it (`revoked-at-connector`) with what was run under a gateway grant.
 * When the connector cannot be reached, `revoke-deferred` keeps the request for the sweep and the ticket
 * says so; access never reads as ended before it is.
 */
export async function revokeAccess(stored: StoredGrant, settings: Settings, config: AppConfig, actor: string, reason: string, options: RevokeOptions = {}): Promise<StoredGrant | undefined> {
  const request = { by: actor, reason, event: options.event ?? 'revoked' } as const;
  const grantId = stored.record.grantId;
  let activity: ActivityReading | undefined;
  if (grantId !== undefined) {
    try {
      const client = await connectorClient(settings.connectorUrl);
      await client.revokeGrant(grantId);
      activity = await readActivity(client, grantId);
    } catch (error) {
      if (!(error instanceof ConnectorRequestError) || !error.retryable) throw error;
      logEvent('revoke.deferred', { ticket: stored.ticket, code: error.code });
      return decideAndApply(stored, { kind: 'revoke-deferred', ...request, code: error.code }, settings, config);
    }
  }
  await deleteCredential(stored.ticket);
  const { comment, meta, after } = grantId === undefined ? {} : activityStep(stored, grantId, activity);
  return decideAndApply(stored, { kind: 'revoked-at-connector', ...request, moves: [...(options.moves ?? [])] }, settings, config, {
    ...(meta ? { meta } : {}),
    ...(comment ? { internalExtra: comment } : {}),
    ...(after ? { after } : {}),
  });
}
