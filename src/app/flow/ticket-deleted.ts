import { allowedEvents } from '../../core';
import { getGrant, updateGrant } from '../storage/grant-store';
import { loadAppConfig, loadSettings } from '../storage/settings-store';
import { revokeAccess } from './revoke-access';

/**
 * A deleted ticket ends its grant: whatever the connector may hold is revoked and the grant is recorded
 * `revoked`, in the store only (there is no ticket left to write to). When the connector cannot be
 * reached the sweep retries, still without touching Jira. A grant that is already over stays as it is.
 */
export async function ticketDeleted(key: string, actor: string): Promise<void> {
  const stored = await getGrant(key);
  if (!stored || !allowedEvents(stored.record.state).includes('revoked')) return;
  const marked = stored.meta.ticketDeleted ? stored : await updateGrant(stored, { ...stored, meta: { ...stored.meta, ticketDeleted: { at: new Date().toISOString(), by: actor } } });
  if (!marked) return;
  const [settings, config] = await Promise.all([loadSettings(), loadAppConfig()]);
  await revokeAccess(marked, settings, config, actor, 'the ticket was deleted');
}
