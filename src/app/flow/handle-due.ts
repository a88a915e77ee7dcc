import { ConnectorRequestError } from '../../protocol';
import type { Settings } from '../../core';
import { connectorClient } from '../connector/connector-access';
import { logEvent } from '../log';
import { MAX_DELAY_SECONDS, newJobToken, pushGrantJob } from '../queue/grant-queue';
import type { AppConfig } from '../storage/app-config';
import { grantIdFor, type StoredGrant } from '../storage/grant-entity';
import { updateGrant } from '../storage/grant-store';
import { publicNote } from './apply-steps';
import { recordAccessEnded } from './end-access';
import { revokeAccess } from './revoke-access';
import { JOB_GRACE_MS } from './schedule-grant';

const RETRY_LATER_MS = 5 * 60_000;

/**
 * What the sweep does with one grant whose time has come: queue a grant whose window opens within the
 * queue's reach or whose job was lost, warn the requester before the end, retry a revocation that could
 * not reach the connector, and confirm an end the connector made (or end it now if it did not).
 */
export async function handleDue(stored: StoredGrant, settings: Settings, config: AppConfig, now: number): Promise<void> {
  const { record, meta } = stored;
  switch (record.state) {
    case 'requested':
    case 'approved':
    case 'granting':
      return requeue(stored, now, 0);
    case 'scheduled': {
      const opensIn = Date.parse(record.window?.notBefore ?? new Date(now).toISOString()) - now;
      if (opensIn > MAX_DELAY_SECONDS * 1000) {
        await updateGrant(stored, { ...stored, dueAt: now + opensIn - MAX_DELAY_SECONDS * 1000 });
        return;
      }
      return requeue(stored, now, Math.max(0, opensIn / 1000));
    }
    case 'active': {
      if (meta.revokeRequested) {
        await revokeAccess(stored, settings, meta.revokeRequested.by, meta.revokeRequested.reason);
        return;
      }
      const end = Date.parse(record.window?.notAfter ?? '');
      if (now >= end) return confirmEnd(stored, settings, now);
      if (!meta.warnedAt) {
        const written = await updateGrant(stored, { ...stored, dueAt: end, meta: { ...meta, warnedAt: new Date(now).toISOString() } });
        const minutes = Math.round((end - now) / 60_000);
        if (written) await publicNote(record.ticket, [`Access to ${record.target} ends in about ${minutes} minutes (${new Date(end).toISOString()}). Ask for an extension in the access panel if you still need it.`]);
        return;
      }
      await updateGrant(stored, { ...stored, dueAt: end });
      return;
    }
    default:
      await updateGrant(stored, { ...stored, phase: 'closed' });
  }
}

async function requeue(stored: StoredGrant, now: number, delaySeconds: number): Promise<void> {
  const token = newJobToken();
  const written = await updateGrant(stored, { ...stored, dueAt: now + delaySeconds * 1000 + JOB_GRACE_MS, meta: { ...stored.meta, jobToken: token } });
  if (written) await pushGrantJob({ ticket: stored.ticket, token }, delaySeconds);
}

/** Past the end: the connector normally ended access already (its callback may have been lost); if not, end it now. */
async function confirmEnd(stored: StoredGrant, settings: Settings, now: number): Promise<void> {
  const grantId = stored.record.grantId ?? grantIdFor(stored.ticket);
  try {
    const client = await connectorClient(settings.connectorUrl);
    const status = await client.getGrant(grantId);
    if (status.state === 'expired' || status.state === 'revoked') {
      await recordAccessEnded(stored, settings, status.state, 'sweep', `the sweep found the grant ${status.state} at the connector${status.revokeReason ? ` (${status.revokeReason})` : ''}`);
      return;
    }
    if (status.state === 'revoking') {
      await updateGrant(stored, { ...stored, dueAt: now + 60_000 });
      return;
    }
    await client.revokeGrant(grantId);
    await recordAccessEnded(stored, settings, 'expired', 'sweep', 'the window had closed; the sweep revoked the grant at the connector');
  } catch (error) {
    if (!(error instanceof ConnectorRequestError)) throw error;
    logEvent('sweep.connector-unavailable', { ticket: stored.ticket, code: error.code });
    await updateGrant(stored, { ...stored, dueAt: now + RETRY_LATER_MS });
  }
}
