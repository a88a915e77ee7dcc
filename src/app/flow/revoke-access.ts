import { ConnectorRequestError } from '../../protocol';
import type { Settings } from '../../core';
import { connectorClient } from '../connector/connector-access';
import type { Move } from '../jira/move-ticket';
import { logEvent } from '../log';
import { deleteCredential } from '../storage/credential-store';
import { FAR_FUTURE, grantIdFor, type StoredGrant } from '../storage/grant-entity';
import { updateGrant } from '../storage/grant-store';
import { applySteps, internalNote } from './apply-steps';

/** States in which the connector may hold access for the ticket. */
const MAY_HAVE_ACCESS = new Set(['granting', 'active']);

/**
 * Ends access at once: revoke at the connector (idempotent), delete the unrevealed credential, record
 * `revoked`. When the connector cannot be reached, the request is kept (`revokeRequested`, due now) so the
 * sweep retries it, and the ticket says so; access never reads as revoked before it is.
 */
export async function revokeAccess(stored: StoredGrant, settings: Settings, actor: string, reason: string, moves: readonly Move[] = []): Promise<StoredGrant | undefined> {
  if (MAY_HAVE_ACCESS.has(stored.record.state)) {
    try {
      const client = await connectorClient(settings.connectorUrl);
      await client.revokeGrant(stored.record.grantId ?? grantIdFor(stored.ticket));
    } catch (error) {
      if (!(error instanceof ConnectorRequestError) || !error.retryable) throw error;
      logEvent('revoke.deferred', { ticket: stored.ticket, code: error.code });
      if (stored.meta.revokeRequested) return stored;
      const kept = await updateGrant(stored, { ...stored, dueAt: Date.now(), meta: { ...stored.meta, revokeRequested: { at: new Date().toISOString(), by: actor, reason } } });
      if (kept && !kept.meta.ticketDeleted) await internalNote(stored.ticket, [`Revocation asked for (${reason}) could not reach the connector (${error.code}); it is retried every five minutes until it succeeds.`]);
      return kept;
    }
  }
  await deleteCredential(stored.ticket);
  return applySteps(stored, settings, [{ event: 'revoked', actor, note: reason }], { moves, dueAt: FAR_FUTURE, meta: { revokeRequested: undefined } });
}
