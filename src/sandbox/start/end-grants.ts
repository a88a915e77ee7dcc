import type { RunningConnector } from '../../connector/connector';
import { GrantService } from '../../connector/grants/grant-service';

/**
 * Ends every grant the ledger still has live. A sandbox's grants belong to its in-memory tickets, so they end
 * when it stops, and those of a run that crashed end when the next one starts on the same data directory.
 * A revocation the database does not confirm yet stays `revoking` and the connector keeps retrying it.
 */
export async function endAllGrants(connector: RunningConnector): Promise<void> {
  const grants = new GrantService(connector.context);
  const live = await connector.context.ledger.list(['granting', 'pending', 'active', 'revoking', 'failed']);
  for (const record of live) {
    if (record.state === 'failed' && !record.needsCleanup) continue;
    await grants.revoke(record.grantId).catch((error: unknown) =>
      connector.context.log.warn({ event: 'sandbox.end_grant_failed', grantId: record.grantId, error: (error as Error).message }),
    );
  }
}
