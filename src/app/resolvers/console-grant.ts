import { ConnectorRequestError } from '../../protocol';
import { AppError } from '../app-error';
import type { StoredGrant } from '../storage/grant-entity';

/** The connector grant id the ticket's SQL console acts as: the ticket's grant, while its access is active. */
export function consoleGrantId(grant: StoredGrant | undefined): string {
  const grantId = grant?.record.grantId;
  if (!grant) throw new AppError('not_found', 'This ticket has no database access request.');
  if (grant.record.state !== 'active' || grantId === undefined) throw new AppError('invalid_state', 'Access is not active, so no statement can be run. Request access again to use the console.');
  return grantId;
}

/** What the console tells the requester when the connector turns it away: access ended there, or a direct target. */
export function consoleRefusal(error: unknown): unknown {
  if (!(error instanceof ConnectorRequestError)) return error;
  if (error.code === 'grant_not_active') return new AppError('invalid_state', 'Access is no longer active at the connector (it ended, or the connector restarted since it began). Reload the panel; request access again to go on.');
  if (error.code === 'no_activity_record') return new AppError('invalid_state', 'This target is reached directly, not through the SQL gateway, so the console cannot run statements on it. Reveal the password and connect with your own client.');
  return error;
}
