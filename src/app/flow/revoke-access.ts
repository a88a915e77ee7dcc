import { ConnectorRequestError } from '../../protocol';
import type { Settings } from '../../core';
import { connectorClient } from '../connector/connector-access';
import type { Move } from '../jira/move-ticket';
import { logEvent } from '../log';
import { deleteCredential } from '../storage/credential-store';
import type { StoredGrant } from '../storage/grant-entity';
import { activityStep, readActivity, type ActivityReading } from './activity-digest';
import { applySteps, oweTicketWrites } from './apply-steps';

export interface RevokeOptions {
  /** `expired` when a person marked active access expired; otherwise `revoked`. */
  event?: 'revoked' | 'expired';
  moves?: readonly Move[];
}

/**
 * Ends access at once: revoke at the connector (idempotent; a grant that has an id may hold access there,
 * and an id the connector never saw is tombstoned so a late grant cannot make it), delete the unrevealed
 * credential, record the event. When the connector cannot be reached, the request is kept
 * (`revokeRequested`, due now) so the sweep retries it, and the ticket says so; access never reads as
 * ended before it is.
 */
export async function revokeAccess(stored: StoredGrant, settings: Settings, actor: string, reason: string, options: RevokeOptions = {}): Promise<StoredGrant | undefined> {
  const event = options.event ?? 'revoked';
  let activity: ActivityReading | undefined;
  if (stored.record.grantId !== undefined) {
    try {
      const client = await connectorClient(settings.connectorUrl);
      await client.revokeGrant(stored.record.grantId);
      activity = await readActivity(client, stored.record.grantId);
    } catch (error) {
      if (!(error instanceof ConnectorRequestError) || !error.retryable) throw error;
      logEvent('revoke.deferred', { ticket: stored.ticket, code: error.code });
      if (stored.meta.revokeRequested) return stored;
      return oweTicketWrites(stored, {
        meta: { revokeRequested: { at: new Date().toISOString(), by: actor, reason, event } },
        notes: [{ visibility: 'internal', lines: [`Revocation asked for (${reason}) could not reach the connector (${error.code}); it is retried every five minutes until it succeeds.`] }],
      });
    }
  }
  await deleteCredential(stored.ticket);
  const { comment, meta, after } = stored.record.grantId === undefined ? {} : activityStep(stored, stored.record.grantId, activity);
  return applySteps(stored, settings, [{ event, actor, note: reason }], { moves: options.moves ?? [], meta: { ...meta, revokeRequested: undefined }, ...(comment ? { internalExtra: comment } : {}), ...(after ? { after } : {}) });
}
