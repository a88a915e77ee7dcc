import { ConnectorRequestError } from '../../protocol';
import { grantIdOf, nextStep, type Settings } from '../../core';
import { connectorClient } from '../connector/connector-access';
import { logEvent } from '../log';
import type { AppConfig } from '../storage/app-config';
import type { StoredGrant } from '../storage/grant-entity';
import { applyEffects } from './apply-effects';
import { applyNext, factsOf, stepSettings, ticketWritesOwed } from './apply-next';
import { readActivity } from './activity-digest';
import { recordAccessEnded } from './end-access';
import { revokeAccess } from './revoke-access';

/**
 * What the sweep does with one grant whose time has come, as `nextStep` decides it: ticket writes its steps
 * still owe first (replayed; the rest waits for the next sweep), then a break-glass alert still owed,
 * whatever the state; then a revocation that could not reach the connector, a grant job that was lost or
 * whose window came within the queue's reach, the warning before the end, and the end itself, confirmed
 * at the connector (or made now). A grant past its end that cannot be confirmed yet stays due, so the
 * next sweep tries again. SIEM events still owed are sent again first and hold none of this back.
 */
export async function handleDue(owing: StoredGrant, settings: Settings, config: AppConfig, now: number): Promise<void> {
  // Events the SIEM webhook has not taken yet are tried again, and hold nothing else back.
  const due = owing.meta.effects.length > 0 && !ticketWritesOwed(owing.meta) ? await applyEffects(owing, new Set()) : owing;
  const applied = await applyNext(due, nextStep(factsOf(due), { kind: 'due' }, stepSettings(settings, config), new Date(now)), settings, config);
  const stored = applied.stored;
  if (!stored) return;
  for (const call of applied.connector) {
    if (call.kind === 'revoke-access') await revokeAccess(stored, settings, config, call.by, call.reason, { event: call.event });
    else if (call.kind === 'confirm-end') await confirmEnd(stored, settings, config);
  }
}

/** Past the end: the connector normally ended access already (its callback may have been lost); if not, end it now. */
async function confirmEnd(stored: StoredGrant, settings: Settings, config: AppConfig): Promise<void> {
  const grantId = grantIdOf(stored.record);
  try {
    const client = await connectorClient(settings.connectorUrl);
    const status = await client.getGrant(grantId);
    if (status.state === 'expired' || status.state === 'revoked') {
      const activity = await readActivity(client, grantId);
      await recordAccessEnded(stored, settings, config, status.state, 'sweep', `the sweep found the grant ${status.state} at the connector${status.revokeReason ? ` (${status.revokeReason})` : ''}`, activity);
      return;
    }
    if (status.state === 'revoking') return;
    await client.revokeGrant(grantId);
    await recordAccessEnded(stored, settings, config, 'expired', 'sweep', 'the window had closed; the sweep revoked the grant at the connector', await readActivity(client, grantId));
  } catch (error) {
    if (!(error instanceof ConnectorRequestError)) throw error;
    logEvent('sweep.connector-unavailable', { ticket: stored.ticket, code: error.code });
  }
}
