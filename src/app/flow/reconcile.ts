import { connectorClient } from '../connector/connector-access';
import { logEvent } from '../log';
import { ticketOfGrantId } from '../../core';
import { getGrants } from '../storage/grant-store';
import { loadSettings } from '../storage/settings-store';
import { oweTicketWrites } from './apply-steps';

export interface ReconcileReport {
  active: number;
  revoked: string[];
}

/**
 * Compares what the connector holds active with what the app expects: any active grant the app does not
 * know as active (unknown, ended, a different grant id) is revoked at once and flagged on its ticket.
 */
export async function reconcile(): Promise<ReconcileReport> {
  const settings = await loadSettings();
  const client = await connectorClient(settings.connectorUrl);
  const { grants } = await client.listGrants('active');
  const tickets = [...new Set(grants.map((grant) => ticketOfGrantId(grant.grantId)).filter((key): key is string => key !== undefined))];
  const known = new Map((await getGrants(tickets)).map((stored) => [stored.ticket, stored]));
  const revoked: string[] = [];
  for (const grant of grants) {
    const ticket = ticketOfGrantId(grant.grantId);
    const stored = ticket === undefined ? undefined : known.get(ticket);
    if (stored && stored.record.grantId === grant.grantId && (stored.record.state === 'active' || stored.record.state === 'granting')) continue;
    await client.revokeGrant(grant.grantId);
    revoked.push(grant.grantId);
    logEvent('reconcile.revoked', { grantId: grant.grantId, appState: stored?.record.state ?? 'unknown' });
    if (stored) {
      const flag = `the connector still had ${grant.grantId} active while the ticket says ${stored.record.state}; revoked by reconciliation`;
      await oweTicketWrites(stored, { meta: { flagged: flag }, notes: [{ visibility: 'internal', lines: [`Flagged: ${flag}.`] }] });
    }
  }
  return { active: grants.length, revoked };
}
