import { ConnectorRequestError } from '../../protocol';
import { grantIdOf, type Settings } from '../../core';
import { connectorClient } from '../connector/connector-access';
import { logEvent } from '../log';
import { planJob, pushGrantJob } from '../queue/grant-queue';
import type { AppConfig } from '../storage/app-config';
import { alertOwed, type StoredGrant } from '../storage/grant-entity';
import { updateGrant } from '../storage/grant-store';
import { publicNote } from './apply-steps';
import { applyEffects } from './apply-effects';
import { deliverAlert } from './break-glass-alert';
import { readActivity } from './activity-digest';
import { recordAccessEnded } from './end-access';
import { revokeAccess } from './revoke-access';

/**
 * What the sweep does with one grant whose time has come: queue a grant whose window opens within the
 * queue's reach or whose job was lost, warn the requester before the end, retry a revocation that could
 * not reach the connector, and confirm an end the connector made (or end it now if it did not). A
 * grant first gets the ticket writes its steps still owe (replayed; the rest waits for the next sweep),
 * then a break-glass grant the alert it still owes, whatever its state. A grant
 * past its end that cannot be confirmed yet stays due, so the next sweep tries again.
 */
export async function handleDue(owing: StoredGrant, settings: Settings, config: AppConfig, now: number): Promise<void> {
  // Ticket writes a step still owes come first; whatever else is due waits for the next sweep.
  if (owing.meta.effects.some((effect) => effect.kind !== 'siem')) {
    await applyEffects(owing, new Set());
    return;
  }
  // Events the SIEM webhook has not taken yet are tried again, and hold nothing else back.
  const due = owing.meta.effects.length > 0 ? await applyEffects(owing, new Set()) : owing;
  const stored = alertOwed(due) ? await deliverAlert(due, config) : due;
  if (!stored) return;
  const { record, meta } = stored;
  if (meta.revokeRequested) {
    await revokeAccess(stored, settings, meta.revokeRequested.by, meta.revokeRequested.reason, { event: meta.revokeRequested.event });
    return;
  }
  switch (record.state) {
    case 'requested':
    case 'approved':
    case 'granting':
      return requeue(stored, now, 0);
    case 'scheduled':
      return requeue(stored, now, (Date.parse(record.window?.notBefore ?? new Date(now).toISOString()) - now) / 1000);
    case 'active': {
      const end = Date.parse(record.window?.notAfter ?? '');
      if (now >= end) return confirmEnd(stored, settings);
      // Due for another reason (an alert still owed, say) is not yet time to warn.
      if (meta.warnAt && now >= Date.parse(meta.warnAt)) {
        const written = await updateGrant(stored, { ...stored, meta: { ...meta, warnAt: undefined } });
        const minutes = Math.round((end - now) / 60_000);
        if (written) await publicNote(record.ticket, [`Access to ${record.target} ends in about ${minutes} minutes (${new Date(end).toISOString()}). Ask for an extension in the access panel if you still need it.`]);
      }
      return;
    }
    default:
      // Not open any more (or only its alert was owed): writing it again files it under its derived phase.
      if (stored === due) await updateGrant(stored, stored);
  }
}

async function requeue(stored: StoredGrant, now: number, delaySeconds: number): Promise<void> {
  const job = planJob(now, delaySeconds);
  const written = await updateGrant(stored, { ...stored, meta: { ...stored.meta, job } });
  if (written) await pushGrantJob(stored.ticket, job);
}

/** Past the end: the connector normally ended access already (its callback may have been lost); if not, end it now. */
async function confirmEnd(stored: StoredGrant, settings: Settings): Promise<void> {
  const grantId = grantIdOf(stored.record);
  try {
    const client = await connectorClient(settings.connectorUrl);
    const status = await client.getGrant(grantId);
    if (status.state === 'expired' || status.state === 'revoked') {
      const activity = await readActivity(client, grantId);
      await recordAccessEnded(stored, settings, status.state, 'sweep', `the sweep found the grant ${status.state} at the connector${status.revokeReason ? ` (${status.revokeReason})` : ''}`, activity);
      return;
    }
    if (status.state === 'revoking') return;
    await client.revokeGrant(grantId);
    await recordAccessEnded(stored, settings, 'expired', 'sweep', 'the window had closed; the sweep revoked the grant at the connector', await readActivity(client, grantId));
  } catch (error) {
    if (!(error instanceof ConnectorRequestError)) throw error;
    logEvent('sweep.connector-unavailable', { ticket: stored.ticket, code: error.code });
  }
}
